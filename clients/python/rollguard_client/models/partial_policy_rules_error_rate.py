from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.partial_policy_rules_error_rate_compare_type_0 import PartialPolicyRulesErrorRateCompareType0
    from ..models.partial_policy_rules_error_rate_persistence_type_0 import PartialPolicyRulesErrorRatePersistenceType0


T = TypeVar("T", bound="PartialPolicyRulesErrorRate")


@_attrs_define
class PartialPolicyRulesErrorRate:
    """Sustained error rate: the mean of the last `window` points is above `threshold` (percent).

    Attributes:
        compare (None | PartialPolicyRulesErrorRateCompareType0 | Unset):
        enabled (bool | Unset):
        persistence (None | PartialPolicyRulesErrorRatePersistenceType0 | Unset):
        required (bool | Unset): Whether the rule holds the verdict when the deployment has never received its metric in
            any cohort: `true` reports `insufficient_data` (inconclusive); `false` reports
            `not_applicable`, which does not count.
        threshold (float | Unset): Percent, 0–100; the rule triggers when the mean is strictly above it.
        window (int | Unset): Number of most recent points averaged; fewer points is `insufficient_data`.
    """

    compare: None | PartialPolicyRulesErrorRateCompareType0 | Unset = UNSET
    enabled: bool | Unset = UNSET
    persistence: None | PartialPolicyRulesErrorRatePersistenceType0 | Unset = UNSET
    required: bool | Unset = UNSET
    threshold: float | Unset = UNSET
    window: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.partial_policy_rules_error_rate_compare_type_0 import PartialPolicyRulesErrorRateCompareType0  # noqa: PLC0415
        from ..models.partial_policy_rules_error_rate_persistence_type_0 import (
            PartialPolicyRulesErrorRatePersistenceType0,  # noqa: PLC0415
        )

        compare: dict[str, Any] | None | Unset
        if isinstance(self.compare, Unset):
            compare = UNSET
        elif isinstance(self.compare, PartialPolicyRulesErrorRateCompareType0):
            compare = self.compare.to_dict()
        else:
            compare = self.compare

        enabled = self.enabled

        persistence: dict[str, Any] | None | Unset
        if isinstance(self.persistence, Unset):
            persistence = UNSET
        elif isinstance(self.persistence, PartialPolicyRulesErrorRatePersistenceType0):
            persistence = self.persistence.to_dict()
        else:
            persistence = self.persistence

        required = self.required

        threshold = self.threshold

        window = self.window

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if compare is not UNSET:
            field_dict["compare"] = compare
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if persistence is not UNSET:
            field_dict["persistence"] = persistence
        if required is not UNSET:
            field_dict["required"] = required
        if threshold is not UNSET:
            field_dict["threshold"] = threshold
        if window is not UNSET:
            field_dict["window"] = window

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.partial_policy_rules_error_rate_compare_type_0 import PartialPolicyRulesErrorRateCompareType0  # noqa: PLC0415
        from ..models.partial_policy_rules_error_rate_persistence_type_0 import (
            PartialPolicyRulesErrorRatePersistenceType0,  # noqa: PLC0415
        )

        d = dict(src_dict)

        def _parse_compare(data: object) -> None | PartialPolicyRulesErrorRateCompareType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                compare_type_0 = PartialPolicyRulesErrorRateCompareType0.from_dict(data)

                return compare_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PartialPolicyRulesErrorRateCompareType0 | Unset, data)

        compare = _parse_compare(d.pop("compare", UNSET))

        enabled = d.pop("enabled", UNSET)

        def _parse_persistence(data: object) -> None | PartialPolicyRulesErrorRatePersistenceType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                persistence_type_0 = PartialPolicyRulesErrorRatePersistenceType0.from_dict(data)

                return persistence_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PartialPolicyRulesErrorRatePersistenceType0 | Unset, data)

        persistence = _parse_persistence(d.pop("persistence", UNSET))

        required = d.pop("required", UNSET)

        threshold = d.pop("threshold", UNSET)

        window = d.pop("window", UNSET)

        partial_policy_rules_error_rate = cls(
            compare=compare,
            enabled=enabled,
            persistence=persistence,
            required=required,
            threshold=threshold,
            window=window,
        )

        return partial_policy_rules_error_rate
