from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorRateCompare")


@_attrs_define
class ErrorRateCompare:
    """The error-rate rule's sequential comparison (see `analysis::compare`).

    Attributes:
        margin (float | Unset): Practical margin in percentage points: the canary is rolled back only when its error
            rate
            is estimated above the baseline's by more than this, and the evidence is conclusive. Default: 1.0.
        min_points (int | Unset): Paired minutes (canary and baseline at one timestamp) needed before the rule judges.
            Default: 2.
        min_requests (int | Unset): Canary requests (the `count`s of its error-rate points) needed before the rule
            judges. Default: 20.
    """

    margin: float | Unset = 1.0
    min_points: int | Unset = 2
    min_requests: int | Unset = 20

    def to_dict(self) -> dict[str, Any]:
        margin = self.margin

        min_points = self.min_points

        min_requests = self.min_requests

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if margin is not UNSET:
            field_dict["margin"] = margin
        if min_points is not UNSET:
            field_dict["min_points"] = min_points
        if min_requests is not UNSET:
            field_dict["min_requests"] = min_requests

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        margin = d.pop("margin", UNSET)

        min_points = d.pop("min_points", UNSET)

        min_requests = d.pop("min_requests", UNSET)

        error_rate_compare = cls(
            margin=margin,
            min_points=min_points,
            min_requests=min_requests,
        )

        return error_rate_compare
