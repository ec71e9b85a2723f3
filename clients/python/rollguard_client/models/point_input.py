from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.cohort import Cohort
from ..types import UNSET, Unset

T = TypeVar("T", bound="PointInput")


@_attrs_define
class PointInput:
    """One metric value at one time. `metric` is `error_rate` (percent, 0–100), `latency_p99` (ms),
    `conversion_rate` (fraction, 0–1), or any other name matching `[a-z][a-z0-9_]{0,63}` (stored,
    not yet read by a rule).

        Attributes:
            metric (str):
            ts (datetime.datetime): RFC 3339, years 0001–9999 (UTC), no leap second; digits past the microsecond are cut.
                Example: 2026-11-24T10:00:00Z.
            value (float): A finite, non-negative number in the metric's unit; at most 100 for `error_rate` and 1
                for `conversion_rate`. Example: 1.2.
            cohort (Cohort | Unset): Which side of the rollout a point describes.
            count (int | None | Unset): Optional: the number of requests behind an `error_rate` or `latency_p99` value, or
                of
                sessions behind a `conversion_rate` value; a whole number from 0 to 2^63 - 1. Re-sending
                a point without it clears a stored count. Example: 850.
    """

    metric: str
    ts: datetime.datetime
    value: float
    cohort: Cohort | Unset = UNSET
    count: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        metric = self.metric

        ts = self.ts.isoformat()

        value = self.value

        cohort: str | Unset = UNSET
        if not isinstance(self.cohort, Unset):
            cohort = self.cohort.value

        count: int | None | Unset
        if isinstance(self.count, Unset):
            count = UNSET
        else:
            count = self.count

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "metric": metric,
                "ts": ts,
                "value": value,
            }
        )
        if cohort is not UNSET:
            field_dict["cohort"] = cohort
        if count is not UNSET:
            field_dict["count"] = count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        metric = d.pop("metric")

        ts = datetime.datetime.fromisoformat(d.pop("ts"))

        value = d.pop("value")

        _cohort = d.pop("cohort", UNSET)
        cohort: Cohort | Unset
        if isinstance(_cohort, Unset):
            cohort = UNSET
        else:
            cohort = Cohort(_cohort)

        def _parse_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        count = _parse_count(d.pop("count", UNSET))

        point_input = cls(
            metric=metric,
            ts=ts,
            value=value,
            cohort=cohort,
            count=count,
        )

        return point_input
