from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.stored_series import StoredSeries


T = TypeVar("T", bound="SeriesList")


@_attrs_define
class SeriesList:
    """A deployment's stored series, by metric then cohort (canary, baseline, pre).

    Attributes:
        deployment (str):
        series (list[StoredSeries]):
    """

    deployment: str
    series: list[StoredSeries]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        deployment = self.deployment

        series = []
        for series_item_data in self.series:
            series_item = series_item_data.to_dict()
            series.append(series_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "deployment": deployment,
                "series": series,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stored_series import StoredSeries  # noqa: PLC0415

        d = dict(src_dict)
        deployment = d.pop("deployment")

        series = []
        _series = d.pop("series")
        for series_item_data in _series:
            series_item = StoredSeries.from_dict(series_item_data)

            series.append(series_item)

        series_list = cls(
            deployment=deployment,
            series=series,
        )

        series_list.additional_properties = d
        return series_list

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
