from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CanaryAnalysis")


@_attrs_define
class CanaryAnalysis:
    """`analysisConfigurations.canary`: rollguard reads `muted` (a muted metric is not judged).
    `direction`, `critical`, `effectSize` and `outliers` belong to Kayenta's own judge: each
    rollguard rule has its direction (error rate and latency up, conversion down) and fails the
    canary on its own.

        Attributes:
            muted (bool | None | Unset):
    """

    muted: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        muted: bool | None | Unset
        if isinstance(self.muted, Unset):
            muted = UNSET
        else:
            muted = self.muted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if muted is not UNSET:
            field_dict["muted"] = muted

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_muted(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        muted = _parse_muted(d.pop("muted", UNSET))

        canary_analysis = cls(
            muted=muted,
        )

        canary_analysis.additional_properties = d
        return canary_analysis

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
