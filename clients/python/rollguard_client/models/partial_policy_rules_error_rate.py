from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.partial_policy_rules_error_rate_persistence_type_0 import PartialPolicyRulesErrorRatePersistenceType0


T = TypeVar("T", bound="PartialPolicyRulesErrorRate")


@_attrs_define
class PartialPolicyRulesErrorRate:
    """Sustained error rate: the mean of the last `window` points is above `threshold` (percent).

    Attributes:
        enabled (bool | Unset):
        persistence (None | PartialPolicyRulesErrorRatePersistenceType0 | Unset):
        threshold (float | Unset): Percent, 0–100; the rule triggers when the mean is strictly above it.
        window (int | Unset): Number of most recent points averaged; fewer points is `insufficient_data`.
    """

    enabled: bool | Unset = UNSET
    persistence: None | PartialPolicyRulesErrorRatePersistenceType0 | Unset = UNSET
    threshold: float | Unset = UNSET
    window: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.partial_policy_rules_error_rate_persistence_type_0 import (
            PartialPolicyRulesErrorRatePersistenceType0,  # noqa: PLC0415
        )

        enabled = self.enabled

        persistence: dict[str, Any] | None | Unset
        if isinstance(self.persistence, Unset):
            persistence = UNSET
        elif isinstance(self.persistence, PartialPolicyRulesErrorRatePersistenceType0):
            persistence = self.persistence.to_dict()
        else:
            persistence = self.persistence

        threshold = self.threshold

        window = self.window

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if persistence is not UNSET:
            field_dict["persistence"] = persistence
        if threshold is not UNSET:
            field_dict["threshold"] = threshold
        if window is not UNSET:
            field_dict["window"] = window

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.partial_policy_rules_error_rate_persistence_type_0 import (
            PartialPolicyRulesErrorRatePersistenceType0,  # noqa: PLC0415
        )

        d = dict(src_dict)
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

        threshold = d.pop("threshold", UNSET)

        window = d.pop("window", UNSET)

        partial_policy_rules_error_rate = cls(
            enabled=enabled,
            persistence=persistence,
            threshold=threshold,
            window=window,
        )

        return partial_policy_rules_error_rate
