from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.canary_analysis import CanaryAnalysis


T = TypeVar("T", bound="AnalysisConfigurations")


@_attrs_define
class AnalysisConfigurations:
    """
    Attributes:
        canary (CanaryAnalysis | Unset): `analysisConfigurations.canary`: rollguard reads `muted` (a muted metric is not
            judged).
            `direction`, `critical`, `effectSize` and `outliers` belong to Kayenta's own judge: each
            rollguard rule has its direction (error rate and latency up, conversion down) and fails the
            canary on its own.
    """

    canary: CanaryAnalysis | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        canary: dict[str, Any] | Unset = UNSET
        if not isinstance(self.canary, Unset):
            canary = self.canary.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if canary is not UNSET:
            field_dict["canary"] = canary

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.canary_analysis import CanaryAnalysis  # noqa: PLC0415

        d = dict(src_dict)
        _canary = d.pop("canary", UNSET)
        canary: CanaryAnalysis | Unset
        if isinstance(_canary, Unset):
            canary = UNSET
        else:
            canary = CanaryAnalysis.from_dict(_canary)

        analysis_configurations = cls(
            canary=canary,
        )

        analysis_configurations.additional_properties = d
        return analysis_configurations

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
