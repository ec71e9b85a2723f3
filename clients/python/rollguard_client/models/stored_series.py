from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.cohort import Cohort

if TYPE_CHECKING:
    from ..models.stored_point import StoredPoint


T = TypeVar("T", bound="StoredSeries")


@_attrs_define
class StoredSeries:
    """One (metric, cohort) series, oldest point first.

    Attributes:
        cohort (Cohort): Which side of the rollout a point describes.
        metric (str):  Example: error_rate.
        points (list[StoredPoint]):
        truncated (bool): Older points exist beyond `limit` and were left out.
    """

    cohort: Cohort
    metric: str
    points: list[StoredPoint]
    truncated: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cohort = self.cohort.value

        metric = self.metric

        points = []
        for points_item_data in self.points:
            points_item = points_item_data.to_dict()
            points.append(points_item)

        truncated = self.truncated

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cohort": cohort,
                "metric": metric,
                "points": points,
                "truncated": truncated,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stored_point import StoredPoint  # noqa: PLC0415

        d = dict(src_dict)
        cohort = Cohort(d.pop("cohort"))

        metric = d.pop("metric")

        points = []
        _points = d.pop("points")
        for points_item_data in _points:
            points_item = StoredPoint.from_dict(points_item_data)

            points.append(points_item)

        truncated = d.pop("truncated")

        stored_series = cls(
            cohort=cohort,
            metric=metric,
            points=points,
            truncated=truncated,
        )

        stored_series.additional_properties = d
        return stored_series

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
