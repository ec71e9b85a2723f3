from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

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
        canary (CanaryAnalysis | None | Unset):
    """

    canary: CanaryAnalysis | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.canary_analysis import CanaryAnalysis  # noqa: PLC0415

        canary: dict[str, Any] | None | Unset
        if isinstance(self.canary, Unset):
            canary = UNSET
        elif isinstance(self.canary, CanaryAnalysis):
            canary = self.canary.to_dict()
        else:
            canary = self.canary

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

        def _parse_canary(data: object) -> CanaryAnalysis | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                canary_type_0 = CanaryAnalysis.from_dict(data)

                return canary_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CanaryAnalysis | None | Unset, data)

        canary = _parse_canary(d.pop("canary", UNSET))

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
