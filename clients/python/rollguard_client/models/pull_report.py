from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pull_status import PullStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.pulled_series import PulledSeries


T = TypeVar("T", bound="PullReport")


@_attrs_define
class PullReport:
    """What a verdict read from its metrics sources.

    Attributes:
        points (int): Points stored by this pull, all series.
        series (list[PulledSeries]): Every series the templates define, with the queries as run.
        status (PullStatus): How a verdict's pull from its metrics source went.
        error (None | str | Unset): The first failure, naming the source and what it answered; null when none failed.
    """

    points: int
    series: list[PulledSeries]
    status: PullStatus
    error: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        points = self.points

        series = []
        for series_item_data in self.series:
            series_item = series_item_data.to_dict()
            series.append(series_item)

        status = self.status.value

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "points": points,
                "series": series,
                "status": status,
            }
        )
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pulled_series import PulledSeries  # noqa: PLC0415

        d = dict(src_dict)
        points = d.pop("points")

        series = []
        _series = d.pop("series")
        for series_item_data in _series:
            series_item = PulledSeries.from_dict(series_item_data)

            series.append(series_item)

        status = PullStatus(d.pop("status"))

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        pull_report = cls(
            points=points,
            series=series,
            status=status,
            error=error,
        )

        pull_report.additional_properties = d
        return pull_report

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
