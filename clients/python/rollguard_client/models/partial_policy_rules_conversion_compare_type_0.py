from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PartialPolicyRulesConversionCompareType0")


@_attrs_define
class PartialPolicyRulesConversionCompareType0:
    """Test the canary's conversion against `min_ratio` × the baseline cohort's, as counts when
    both carry them; null (the seed) applies the window rule above.

        Attributes:
            min_points (int | Unset): Paired minutes needed before the rule judges. Default: 2.
            min_sessions (int | Unset): Canary sessions (the `count`s of its conversion points) needed before the rule
                judges. Default: 20.
    """

    min_points: int | Unset = 2
    min_sessions: int | Unset = 20

    def to_dict(self) -> dict[str, Any]:
        min_points = self.min_points

        min_sessions = self.min_sessions

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if min_points is not UNSET:
            field_dict["min_points"] = min_points
        if min_sessions is not UNSET:
            field_dict["min_sessions"] = min_sessions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        min_points = d.pop("min_points", UNSET)

        min_sessions = d.pop("min_sessions", UNSET)

        partial_policy_rules_conversion_compare_type_0 = cls(
            min_points=min_points,
            min_sessions=min_sessions,
        )

        return partial_policy_rules_conversion_compare_type_0
