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
        analysis_configurations (AnalysisConfigurations | None | Unset):
        groups (list[str] | None | Unset):
        name (None | str | Unset):
    """

    analysis_configurations: AnalysisConfigurations | None | Unset = UNSET
    groups: list[str] | None | Unset = UNSET
    name: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.analysis_configurations import AnalysisConfigurations  # noqa: PLC0415

        analysis_configurations: dict[str, Any] | None | Unset
        if isinstance(self.analysis_configurations, Unset):
            analysis_configurations = UNSET
        elif isinstance(self.analysis_configurations, AnalysisConfigurations):
            analysis_configurations = self.analysis_configurations.to_dict()
        else:
            analysis_configurations = self.analysis_configurations

        groups: list[str] | None | Unset
        if isinstance(self.groups, Unset):
            groups = UNSET
        elif isinstance(self.groups, list):
            groups = self.groups

        else:
            groups = self.groups

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
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

        def _parse_analysis_configurations(data: object) -> AnalysisConfigurations | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                analysis_configurations_type_0 = AnalysisConfigurations.from_dict(data)

                return analysis_configurations_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AnalysisConfigurations | None | Unset, data)

        analysis_configurations = _parse_analysis_configurations(d.pop("analysisConfigurations", UNSET))

        def _parse_groups(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                groups_type_0 = cast(list[str], data)

                return groups_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        groups = _parse_groups(d.pop("groups", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

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
