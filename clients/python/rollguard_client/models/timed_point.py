from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TimedPoint")


@_attrs_define
class TimedPoint:
    """A value with its timestamp, and optionally the count behind it.

    Attributes:
        ts (datetime.datetime): RFC 3339, years 0001–9999 (UTC), no leap second; digits past the microsecond are cut.
            Example: 2026-11-24T10:00:00Z.
        value (float): Finite and non-negative, in the metric's unit. Example: 212.5.
        count (int | None | Unset): Optional: the number of requests behind an `error_rate` or `latency_p99` value, or
            of
            sessions behind a `conversion_rate` value; a whole number from 0 to 2^63 - 1. A series
            gives it on every point or on none. Example: 850.
    """

    ts: datetime.datetime
    value: float
    count: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        ts = self.ts.isoformat()

        value = self.value

        count: int | None | Unset
        if isinstance(self.count, Unset):
            count = UNSET
        else:
            count = self.count

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "ts": ts,
                "value": value,
            }
        )
        if count is not UNSET:
            field_dict["count"] = count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ts = datetime.datetime.fromisoformat(d.pop("ts"))

        value = d.pop("value")

        def _parse_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        count = _parse_count(d.pop("count", UNSET))

        timed_point = cls(
            ts=ts,
            value=value,
            count=count,
        )

        return timed_point
