from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.partial_policy_rules_latency_compare_type_0 import PartialPolicyRulesLatencyCompareType0
    from ..models.partial_policy_rules_latency_persistence_type_0 import PartialPolicyRulesLatencyPersistenceType0


T = TypeVar("T", bound="PartialPolicyRulesLatency")


@_attrs_define
class PartialPolicyRulesLatency:
    """Latency spike: the last point is above mean + `sigmas` × population standard deviation of all
    points except the last `exclude_recent`.

        Attributes:
            clip_sigmas (float | None | Unset): Winsorize the baseline: in time order, each point past the first
                `min_baseline_points`
                is clipped to mean ± `clip_sigmas`·σ of the points before it (Welford's running mean and
                σ), so a single spike cannot inflate the spread. Null (the seed): plain mean and σ.
            compare (None | PartialPolicyRulesLatencyCompareType0 | Unset):
            enabled (bool | Unset):
            exclude_recent (int | Unset): Most recent points left out of the mean and standard deviation.
            min_baseline_points (int | Unset): Fewest points that must remain after excluding the recent ones; fewer is
                `insufficient_data`.
            persistence (None | PartialPolicyRulesLatencyPersistenceType0 | Unset):
            required (bool | Unset): As for `error_rate`.
            sigmas (float | Unset):
    """

    clip_sigmas: float | None | Unset = UNSET
    compare: None | PartialPolicyRulesLatencyCompareType0 | Unset = UNSET
    enabled: bool | Unset = UNSET
    exclude_recent: int | Unset = UNSET
    min_baseline_points: int | Unset = UNSET
    persistence: None | PartialPolicyRulesLatencyPersistenceType0 | Unset = UNSET
    required: bool | Unset = UNSET
    sigmas: float | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.partial_policy_rules_latency_compare_type_0 import PartialPolicyRulesLatencyCompareType0  # noqa: PLC0415
        from ..models.partial_policy_rules_latency_persistence_type_0 import PartialPolicyRulesLatencyPersistenceType0  # noqa: PLC0415

        clip_sigmas: float | None | Unset
        if isinstance(self.clip_sigmas, Unset):
            clip_sigmas = UNSET
        else:
            clip_sigmas = self.clip_sigmas

        compare: dict[str, Any] | None | Unset
        if isinstance(self.compare, Unset):
            compare = UNSET
        elif isinstance(self.compare, PartialPolicyRulesLatencyCompareType0):
            compare = self.compare.to_dict()
        else:
            compare = self.compare

        enabled = self.enabled

        exclude_recent = self.exclude_recent

        min_baseline_points = self.min_baseline_points

        persistence: dict[str, Any] | None | Unset
        if isinstance(self.persistence, Unset):
            persistence = UNSET
        elif isinstance(self.persistence, PartialPolicyRulesLatencyPersistenceType0):
            persistence = self.persistence.to_dict()
        else:
            persistence = self.persistence

        required = self.required

        sigmas = self.sigmas

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if clip_sigmas is not UNSET:
            field_dict["clip_sigmas"] = clip_sigmas
        if compare is not UNSET:
            field_dict["compare"] = compare
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if exclude_recent is not UNSET:
            field_dict["exclude_recent"] = exclude_recent
        if min_baseline_points is not UNSET:
            field_dict["min_baseline_points"] = min_baseline_points
        if persistence is not UNSET:
            field_dict["persistence"] = persistence
        if required is not UNSET:
            field_dict["required"] = required
        if sigmas is not UNSET:
            field_dict["sigmas"] = sigmas

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.partial_policy_rules_latency_compare_type_0 import PartialPolicyRulesLatencyCompareType0  # noqa: PLC0415
        from ..models.partial_policy_rules_latency_persistence_type_0 import PartialPolicyRulesLatencyPersistenceType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_clip_sigmas(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        clip_sigmas = _parse_clip_sigmas(d.pop("clip_sigmas", UNSET))

        def _parse_compare(data: object) -> None | PartialPolicyRulesLatencyCompareType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                compare_type_0 = PartialPolicyRulesLatencyCompareType0.from_dict(data)

                return compare_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PartialPolicyRulesLatencyCompareType0 | Unset, data)

        compare = _parse_compare(d.pop("compare", UNSET))

        enabled = d.pop("enabled", UNSET)

        exclude_recent = d.pop("exclude_recent", UNSET)

        min_baseline_points = d.pop("min_baseline_points", UNSET)

        def _parse_persistence(data: object) -> None | PartialPolicyRulesLatencyPersistenceType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                persistence_type_0 = PartialPolicyRulesLatencyPersistenceType0.from_dict(data)

                return persistence_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PartialPolicyRulesLatencyPersistenceType0 | Unset, data)

        persistence = _parse_persistence(d.pop("persistence", UNSET))

        required = d.pop("required", UNSET)

        sigmas = d.pop("sigmas", UNSET)

        partial_policy_rules_latency = cls(
            clip_sigmas=clip_sigmas,
            compare=compare,
            enabled=enabled,
            exclude_recent=exclude_recent,
            min_baseline_points=min_baseline_points,
            persistence=persistence,
            required=required,
            sigmas=sigmas,
        )

        return partial_policy_rules_latency
