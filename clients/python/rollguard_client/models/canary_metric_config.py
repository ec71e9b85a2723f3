from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.analysis_configurations import AnalysisConfigurations


T = TypeVar("T", bound="CanaryMetricConfig")


@_attrs_define
class CanaryMetricConfig:
    """What rollguard reads of one `CanaryMetricConfig`.

    Attributes:
        analysis_configurations (AnalysisConfigurations | Unset):
        groups (list[str] | Unset):
        name (str | Unset):
    """

    analysis_configurations: AnalysisConfigurations | Unset = UNSET
    groups: list[str] | Unset = UNSET
    name: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        analysis_configurations: dict[str, Any] | Unset = UNSET
        if not isinstance(self.analysis_configurations, Unset):
            analysis_configurations = self.analysis_configurations.to_dict()

        groups: list[str] | Unset = UNSET
        if not isinstance(self.groups, Unset):
            groups = self.groups

        name = self.name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if analysis_configurations is not UNSET:
            field_dict["analysisConfigurations"] = analysis_configurations
        if groups is not UNSET:
            field_dict["groups"] = groups
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.analysis_configurations import AnalysisConfigurations  # noqa: PLC0415

        d = dict(src_dict)
        _analysis_configurations = d.pop("analysisConfigurations", UNSET)
        analysis_configurations: AnalysisConfigurations | Unset
        if isinstance(_analysis_configurations, Unset):
            analysis_configurations = UNSET
        else:
            analysis_configurations = AnalysisConfigurations.from_dict(_analysis_configurations)

        groups = cast(list[str], d.pop("groups", UNSET))

        name = d.pop("name", UNSET)

        canary_metric_config = cls(
            analysis_configurations=analysis_configurations,
            groups=groups,
            name=name,
        )

        canary_metric_config.additional_properties = d
        return canary_metric_config

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
