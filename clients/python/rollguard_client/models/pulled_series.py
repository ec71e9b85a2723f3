from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PulledSeries")


@_attrs_define
class PulledSeries:
    """One series of a pull.

    Attributes:
        cohort (str):  Example: canary.
        metric (str):  Example: error_rate.
        points (int): Points stored from this series by this pull.
        source (str): The source's name.
        count_query (None | str | Unset):
        dropped (int | Unset): Samples not stored: NaN or infinite (no traffic in the step), or out of the metric's
            range.
        error (None | str | Unset): Why reading it failed.
        from_ (datetime.datetime | None | Unset): The range read, both ends included; absent when nothing was read (up
            to date, skipped
            or failed).
        previously_until (datetime.datetime | None | Unset): Where the series had been read up to before this pull.
        query (None | str | Unset): The value query, placeholders filled (null when the deployment lacks a value it
            needs).
        skipped (None | str | Unset): Why the series was not read: the deployment lacks a value a placeholder needs.
        to (datetime.datetime | None | Unset):
    """

    cohort: str
    metric: str
    points: int
    source: str
    count_query: None | str | Unset = UNSET
    dropped: int | Unset = UNSET
    error: None | str | Unset = UNSET
    from_: datetime.datetime | None | Unset = UNSET
    previously_until: datetime.datetime | None | Unset = UNSET
    query: None | str | Unset = UNSET
    skipped: None | str | Unset = UNSET
    to: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cohort = self.cohort

        metric = self.metric

        points = self.points

        source = self.source

        count_query: None | str | Unset
        if isinstance(self.count_query, Unset):
            count_query = UNSET
        else:
            count_query = self.count_query

        dropped = self.dropped

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        from_: None | str | Unset
        if isinstance(self.from_, Unset):
            from_ = UNSET
        elif isinstance(self.from_, datetime.datetime):
            from_ = self.from_.isoformat()
        else:
            from_ = self.from_

        previously_until: None | str | Unset
        if isinstance(self.previously_until, Unset):
            previously_until = UNSET
        elif isinstance(self.previously_until, datetime.datetime):
            previously_until = self.previously_until.isoformat()
        else:
            previously_until = self.previously_until

        query: None | str | Unset
        if isinstance(self.query, Unset):
            query = UNSET
        else:
            query = self.query

        skipped: None | str | Unset
        if isinstance(self.skipped, Unset):
            skipped = UNSET
        else:
            skipped = self.skipped

        to: None | str | Unset
        if isinstance(self.to, Unset):
            to = UNSET
        elif isinstance(self.to, datetime.datetime):
            to = self.to.isoformat()
        else:
            to = self.to

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cohort": cohort,
                "metric": metric,
                "points": points,
                "source": source,
            }
        )
        if count_query is not UNSET:
            field_dict["count_query"] = count_query
        if dropped is not UNSET:
            field_dict["dropped"] = dropped
        if error is not UNSET:
            field_dict["error"] = error
        if from_ is not UNSET:
            field_dict["from"] = from_
        if previously_until is not UNSET:
            field_dict["previously_until"] = previously_until
        if query is not UNSET:
            field_dict["query"] = query
        if skipped is not UNSET:
            field_dict["skipped"] = skipped
        if to is not UNSET:
            field_dict["to"] = to

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cohort = d.pop("cohort")

        metric = d.pop("metric")

        points = d.pop("points")

        source = d.pop("source")

        def _parse_count_query(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        count_query = _parse_count_query(d.pop("count_query", UNSET))

        dropped = d.pop("dropped", UNSET)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_from_(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                from_type_0 = datetime.datetime.fromisoformat(data)

                return from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        from_ = _parse_from_(d.pop("from", UNSET))

        def _parse_previously_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                previously_until_type_0 = datetime.datetime.fromisoformat(data)

                return previously_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        previously_until = _parse_previously_until(d.pop("previously_until", UNSET))

        def _parse_query(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        query = _parse_query(d.pop("query", UNSET))

        def _parse_skipped(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        skipped = _parse_skipped(d.pop("skipped", UNSET))

        def _parse_to(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                to_type_0 = datetime.datetime.fromisoformat(data)

                return to_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        to = _parse_to(d.pop("to", UNSET))

        pulled_series = cls(
            cohort=cohort,
            metric=metric,
            points=points,
            source=source,
            count_query=count_query,
            dropped=dropped,
            error=error,
            from_=from_,
            previously_until=previously_until,
            query=query,
            skipped=skipped,
            to=to,
        )

        pulled_series.additional_properties = d
        return pulled_series

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
