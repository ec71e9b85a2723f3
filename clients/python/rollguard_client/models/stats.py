from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Stats")


@_attrs_define
class Stats:
    """Descriptive statistics of a series as received (missing points left out, before `scale`),
    as Kayenta's `MetricStatistics` computes them: all 0 for an empty series.

        Attributes:
            count (int):
            max_ (float):
            mean (float):
            min_ (float):
            std (float): Sample standard deviation (n − 1); 0 below two points.
    """

    count: int
    max_: float
    mean: float
    min_: float
    std: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        count = self.count

        max_ = self.max_

        mean = self.mean

        min_ = self.min_

        std = self.std

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "count": count,
                "max": max_,
                "mean": mean,
                "min": min_,
                "std": std,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        count = d.pop("count")

        max_ = d.pop("max")

        mean = d.pop("mean")

        min_ = d.pop("min")

        std = d.pop("std")

        stats = cls(
            count=count,
            max_=max_,
            mean=mean,
            min_=min_,
            std=std,
        )

        stats.additional_properties = d
        return stats

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
