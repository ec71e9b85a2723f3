from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MetricSetScope")


@_attrs_define
class MetricSetScope:
    """`MetricSetPair.MetricSetScope`: point `i` is at `startTimeMillis + i × stepMillis`.

    Attributes:
        start_time_millis (int | None | Unset):  Example: 1796119200000.
        step_millis (int | None | Unset):  Example: 60000.
    """

    start_time_millis: int | None | Unset = UNSET
    step_millis: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        start_time_millis: int | None | Unset
        if isinstance(self.start_time_millis, Unset):
            start_time_millis = UNSET
        else:
            start_time_millis = self.start_time_millis

        step_millis: int | None | Unset
        if isinstance(self.step_millis, Unset):
            step_millis = UNSET
        else:
            step_millis = self.step_millis

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if start_time_millis is not UNSET:
            field_dict["startTimeMillis"] = start_time_millis
        if step_millis is not UNSET:
            field_dict["stepMillis"] = step_millis

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_start_time_millis(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        start_time_millis = _parse_start_time_millis(d.pop("startTimeMillis", UNSET))

        def _parse_step_millis(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        step_millis = _parse_step_millis(d.pop("stepMillis", UNSET))

        metric_set_scope = cls(
            start_time_millis=start_time_millis,
            step_millis=step_millis,
        )

        metric_set_scope.additional_properties = d
        return metric_set_scope

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
