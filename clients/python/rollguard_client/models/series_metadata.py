from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.stats import Stats


T = TypeVar("T", bound="SeriesMetadata")


@_attrs_define
class SeriesMetadata:
    """`{"stats": …}`, as Kayenta's standalone analysis reads it (`stats.count`).

    Attributes:
        stats (Stats): Descriptive statistics of a series as received (missing points left out, before `scale`),
            as Kayenta's `MetricStatistics` computes them: all 0 for an empty series.
    """

    stats: Stats
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        stats = self.stats.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "stats": stats,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stats import Stats  # noqa: PLC0415

        d = dict(src_dict)
        stats = Stats.from_dict(d.pop("stats"))

        series_metadata = cls(
            stats=stats,
        )

        series_metadata.additional_properties = d
        return series_metadata

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
