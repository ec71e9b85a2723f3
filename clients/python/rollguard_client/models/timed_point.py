from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="TimedPoint")


@_attrs_define
class TimedPoint:
    """A value with its timestamp.

    Attributes:
        ts (datetime.datetime): RFC 3339, years 0001–9999 (UTC), no leap second; digits past the microsecond are cut.
            Example: 2026-11-24T10:00:00Z.
        value (float): Finite and non-negative, in the metric's unit. Example: 212.5.
    """

    ts: datetime.datetime
    value: float

    def to_dict(self) -> dict[str, Any]:
        ts = self.ts.isoformat()

        value = self.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "ts": ts,
                "value": value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ts = datetime.datetime.fromisoformat(d.pop("ts"))

        value = d.pop("value")

        timed_point = cls(
            ts=ts,
            value=value,
        )

        return timed_point
