from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TimeToDetect")


@_attrs_define
class TimeToDetect:
    """Detection delays of the incidents a policy caught at or after their onset.

    Attributes:
        count (int): Incidents counted.
        median_seconds (int | None | Unset):
        median_steps (int | None | Unset): Nearest-rank percentiles of the delay in steps.
        p90_seconds (int | None | Unset):
        p90_steps (int | None | Unset):
    """

    count: int
    median_seconds: int | None | Unset = UNSET
    median_steps: int | None | Unset = UNSET
    p90_seconds: int | None | Unset = UNSET
    p90_steps: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        count = self.count

        median_seconds: int | None | Unset
        if isinstance(self.median_seconds, Unset):
            median_seconds = UNSET
        else:
            median_seconds = self.median_seconds

        median_steps: int | None | Unset
        if isinstance(self.median_steps, Unset):
            median_steps = UNSET
        else:
            median_steps = self.median_steps

        p90_seconds: int | None | Unset
        if isinstance(self.p90_seconds, Unset):
            p90_seconds = UNSET
        else:
            p90_seconds = self.p90_seconds

        p90_steps: int | None | Unset
        if isinstance(self.p90_steps, Unset):
            p90_steps = UNSET
        else:
            p90_steps = self.p90_steps

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "count": count,
            }
        )
        if median_seconds is not UNSET:
            field_dict["median_seconds"] = median_seconds
        if median_steps is not UNSET:
            field_dict["median_steps"] = median_steps
        if p90_seconds is not UNSET:
            field_dict["p90_seconds"] = p90_seconds
        if p90_steps is not UNSET:
            field_dict["p90_steps"] = p90_steps

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        count = d.pop("count")

        def _parse_median_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        median_seconds = _parse_median_seconds(d.pop("median_seconds", UNSET))

        def _parse_median_steps(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        median_steps = _parse_median_steps(d.pop("median_steps", UNSET))

        def _parse_p90_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        p90_seconds = _parse_p90_seconds(d.pop("p90_seconds", UNSET))

        def _parse_p90_steps(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        p90_steps = _parse_p90_steps(d.pop("p90_steps", UNSET))

        time_to_detect = cls(
            count=count,
            median_seconds=median_seconds,
            median_steps=median_steps,
            p90_seconds=p90_seconds,
            p90_steps=p90_steps,
        )

        time_to_detect.additional_properties = d
        return time_to_detect

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
