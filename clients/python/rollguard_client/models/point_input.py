from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

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
    """

    metric: str
    ts: datetime.datetime
    value: float
    cohort: Cohort | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        metric = self.metric

        ts = self.ts.isoformat()

        value = self.value

        cohort: str | Unset = UNSET
        if not isinstance(self.cohort, Unset):
            cohort = self.cohort.value

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

        point_input = cls(
            metric=metric,
            ts=ts,
            value=value,
            cohort=cohort,
        )

        return point_input
