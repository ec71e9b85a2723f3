from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.partial_policy_rules_conversion import PartialPolicyRulesConversion
    from ..models.partial_policy_rules_error_rate import PartialPolicyRulesErrorRate
    from ..models.partial_policy_rules_latency import PartialPolicyRulesLatency


T = TypeVar("T", bound="PartialPolicyRules")


@_attrs_define
class PartialPolicyRules:
    """One entry per rule; a rule with `enabled: false` is not run and not reported.

    Attributes:
        conversion (PartialPolicyRulesConversion | Unset): Conversion drop: the mean of the last `window` conversion
            points is below `min_ratio` × baseline.
            The baseline is `baseline.conversion_rate` when given, else the mean of the baseline cohort's
            conversion points, else the mean of the pre-deployment points.
        error_rate (PartialPolicyRulesErrorRate | Unset): Sustained error rate: the mean of the last `window` points is
            above `threshold` (percent).
        latency (PartialPolicyRulesLatency | Unset): Latency spike: the last point is above mean + `sigmas` × population
            standard deviation of all
            points except the last `exclude_recent`.
    """

    conversion: PartialPolicyRulesConversion | Unset = UNSET
    error_rate: PartialPolicyRulesErrorRate | Unset = UNSET
    latency: PartialPolicyRulesLatency | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        conversion: dict[str, Any] | Unset = UNSET
        if not isinstance(self.conversion, Unset):
            conversion = self.conversion.to_dict()

        error_rate: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error_rate, Unset):
            error_rate = self.error_rate.to_dict()

        latency: dict[str, Any] | Unset = UNSET
        if not isinstance(self.latency, Unset):
            latency = self.latency.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if conversion is not UNSET:
            field_dict["conversion"] = conversion
        if error_rate is not UNSET:
            field_dict["error_rate"] = error_rate
        if latency is not UNSET:
            field_dict["latency"] = latency

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.partial_policy_rules_conversion import PartialPolicyRulesConversion  # noqa: PLC0415
        from ..models.partial_policy_rules_error_rate import PartialPolicyRulesErrorRate  # noqa: PLC0415
        from ..models.partial_policy_rules_latency import PartialPolicyRulesLatency  # noqa: PLC0415

        d = dict(src_dict)
        _conversion = d.pop("conversion", UNSET)
        conversion: PartialPolicyRulesConversion | Unset
        if isinstance(_conversion, Unset):
            conversion = UNSET
        else:
            conversion = PartialPolicyRulesConversion.from_dict(_conversion)

        _error_rate = d.pop("error_rate", UNSET)
        error_rate: PartialPolicyRulesErrorRate | Unset
        if isinstance(_error_rate, Unset):
            error_rate = UNSET
        else:
            error_rate = PartialPolicyRulesErrorRate.from_dict(_error_rate)

        _latency = d.pop("latency", UNSET)
        latency: PartialPolicyRulesLatency | Unset
        if isinstance(_latency, Unset):
            latency = UNSET
        else:
            latency = PartialPolicyRulesLatency.from_dict(_latency)

        partial_policy_rules = cls(
            conversion=conversion,
            error_rate=error_rate,
            latency=latency,
        )

        return partial_policy_rules
