from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PartialPolicyRulesLatencyCompareType0")


@_attrs_define
class PartialPolicyRulesLatencyCompareType0:
    """Judge the canary's p99 against the baseline cohort's at the same minutes; null (the seed)
    applies the spike rule above. Without a baseline cohort, a level-shift detector judges
    the canary against its own past, with its autocorrelation and drift modelled.

        Attributes:
            clip (float | Unset): The most one minute can weigh: each minute's log ratio of p99s (less the margin) is
                divided by this and clipped to [-1, 1], so a single spike counts no more than a minute
                this far above the margin. Default: 0.5.
            margin (float | Unset): Practical margin as a fraction: 0.1 rolls back only when the canary's p99 is above the
                baseline's by more than 10 % (without a baseline cohort, above its own past by more than
                that). Default: 0.1.
            min_points (int | Unset): Paired minutes needed before the rule judges. Default: 3.
            nearest_rank (bool | Unset): The canary's and the baseline's p99s are nearest-rank p99s of each minute's own
                requests
                (the ⌈0.99 n⌉-th smallest of `count`, so the maximum below 100 requests). Then, in minutes
                where the canary had fewer than 100 requests, the rule judges whether its p99 exceeded
                (1 + margin) × the baseline's against the exact chance of that for two samples of one
                distribution, instead of the log ratio, which a small sample's maximum biases low. Leave
                it false for p99s interpolated from histograms or sketches, or taken over more requests
                than `count`: that chance does not hold for them and healthy canaries would be rolled back. Default: False.
    """

    clip: float | Unset = 0.5
    margin: float | Unset = 0.1
    min_points: int | Unset = 3
    nearest_rank: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        clip = self.clip

        margin = self.margin

        min_points = self.min_points

        nearest_rank = self.nearest_rank

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if clip is not UNSET:
            field_dict["clip"] = clip
        if margin is not UNSET:
            field_dict["margin"] = margin
        if min_points is not UNSET:
            field_dict["min_points"] = min_points
        if nearest_rank is not UNSET:
            field_dict["nearest_rank"] = nearest_rank

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        clip = d.pop("clip", UNSET)

        margin = d.pop("margin", UNSET)

        min_points = d.pop("min_points", UNSET)

        nearest_rank = d.pop("nearest_rank", UNSET)

        partial_policy_rules_latency_compare_type_0 = cls(
            clip=clip,
            margin=margin,
            min_points=min_points,
            nearest_rank=nearest_rank,
        )

        return partial_policy_rules_latency_compare_type_0
