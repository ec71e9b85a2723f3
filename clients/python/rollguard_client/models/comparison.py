from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Comparison")


@_attrs_define
class Comparison:
    """The numbers behind a sequential comparison.

    Attributes:
        baseline (float): The baseline's (or the reference's), in the same unit.
        canary (float): The canary's value over the compared minutes: error rate in percent, p99 in ms (geometric
            mean), conversion as a fraction.
        effect (float): The effect: percentage points for the error rate, the ratio canary / baseline for latency
            and conversion.
        effect_high (float):
        effect_low (float): A time-uniform confidence interval for the effect, valid at the moment of asking
            (asymptotic; see `analysis::sequential::cs_half_width`).
        evidence (float): The largest value the test's e-process has reached; the rule triggers at `evidence_needed`.
        evidence_needed (float): `1 / (alpha / rules)`: the bound Ville's inequality puts on a healthy canary.
        minutes (int): Minutes compared (paired with the baseline, or with counts against the reference).
        baseline_count (int | None | Unset):
        baseline_events (int | None | Unset):
        canary_count (int | None | Unset): Canary requests (sessions) and events (errors, conversions), when judged as
            counts.
        canary_events (int | None | Unset):
        zero_minutes (int | None | Unset): Conversion compared as values (no counts): the canary's minutes whose
            conversion was 0.
            While they are more than 10 % of the minutes before, the rule does not bet: a canary
            with so few sessions a minute reads 0 most minutes, which a comparison of values would
            take for a drop (send `count` to judge it).
    """

    baseline: float
    canary: float
    effect: float
    effect_high: float
    effect_low: float
    evidence: float
    evidence_needed: float
    minutes: int
    baseline_count: int | None | Unset = UNSET
    baseline_events: int | None | Unset = UNSET
    canary_count: int | None | Unset = UNSET
    canary_events: int | None | Unset = UNSET
    zero_minutes: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        baseline = self.baseline

        canary = self.canary

        effect = self.effect

        effect_high = self.effect_high

        effect_low = self.effect_low

        evidence = self.evidence

        evidence_needed = self.evidence_needed

        minutes = self.minutes

        baseline_count: int | None | Unset
        if isinstance(self.baseline_count, Unset):
            baseline_count = UNSET
        else:
            baseline_count = self.baseline_count

        baseline_events: int | None | Unset
        if isinstance(self.baseline_events, Unset):
            baseline_events = UNSET
        else:
            baseline_events = self.baseline_events

        canary_count: int | None | Unset
        if isinstance(self.canary_count, Unset):
            canary_count = UNSET
        else:
            canary_count = self.canary_count

        canary_events: int | None | Unset
        if isinstance(self.canary_events, Unset):
            canary_events = UNSET
        else:
            canary_events = self.canary_events

        zero_minutes: int | None | Unset
        if isinstance(self.zero_minutes, Unset):
            zero_minutes = UNSET
        else:
            zero_minutes = self.zero_minutes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "baseline": baseline,
                "canary": canary,
                "effect": effect,
                "effect_high": effect_high,
                "effect_low": effect_low,
                "evidence": evidence,
                "evidence_needed": evidence_needed,
                "minutes": minutes,
            }
        )
        if baseline_count is not UNSET:
            field_dict["baseline_count"] = baseline_count
        if baseline_events is not UNSET:
            field_dict["baseline_events"] = baseline_events
        if canary_count is not UNSET:
            field_dict["canary_count"] = canary_count
        if canary_events is not UNSET:
            field_dict["canary_events"] = canary_events
        if zero_minutes is not UNSET:
            field_dict["zero_minutes"] = zero_minutes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        baseline = d.pop("baseline")

        canary = d.pop("canary")

        effect = d.pop("effect")

        effect_high = d.pop("effect_high")

        effect_low = d.pop("effect_low")

        evidence = d.pop("evidence")

        evidence_needed = d.pop("evidence_needed")

        minutes = d.pop("minutes")

        def _parse_baseline_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        baseline_count = _parse_baseline_count(d.pop("baseline_count", UNSET))

        def _parse_baseline_events(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        baseline_events = _parse_baseline_events(d.pop("baseline_events", UNSET))

        def _parse_canary_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        canary_count = _parse_canary_count(d.pop("canary_count", UNSET))

        def _parse_canary_events(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        canary_events = _parse_canary_events(d.pop("canary_events", UNSET))

        def _parse_zero_minutes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        zero_minutes = _parse_zero_minutes(d.pop("zero_minutes", UNSET))

        comparison = cls(
            baseline=baseline,
            canary=canary,
            effect=effect,
            effect_high=effect_high,
            effect_low=effect_low,
            evidence=evidence,
            evidence_needed=evidence_needed,
            minutes=minutes,
            baseline_count=baseline_count,
            baseline_events=baseline_events,
            canary_count=canary_count,
            canary_events=canary_events,
            zero_minutes=zero_minutes,
        )

        comparison.additional_properties = d
        return comparison

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
