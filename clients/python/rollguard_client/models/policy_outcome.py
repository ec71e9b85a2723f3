from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.rule_name import RuleName
from ..types import UNSET, Unset

T = TypeVar("T", bound="PolicyOutcome")


@_attrs_define
class PolicyOutcome:
    """What one policy did on one deployment.

    Attributes:
        detect_seconds (int | None | Unset): Seconds from the onset point (when known), else from `started_at` or the
            first point,
            to the rollback; needs timestamps.
        detect_steps (int | None | Unset): Steps from the onset (when known) or from the first step, to the rollback.
        first_rollback_at (datetime.datetime | None | Unset): That point's timestamp, when the series carry them.
        first_rollback_step (int | None | Unset): 1-based number of points in the prefix that first gave `rollback`;
            null if never.
        rule (None | RuleName | Unset):
    """

    detect_seconds: int | None | Unset = UNSET
    detect_steps: int | None | Unset = UNSET
    first_rollback_at: datetime.datetime | None | Unset = UNSET
    first_rollback_step: int | None | Unset = UNSET
    rule: None | RuleName | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        detect_seconds: int | None | Unset
        if isinstance(self.detect_seconds, Unset):
            detect_seconds = UNSET
        else:
            detect_seconds = self.detect_seconds

        detect_steps: int | None | Unset
        if isinstance(self.detect_steps, Unset):
            detect_steps = UNSET
        else:
            detect_steps = self.detect_steps

        first_rollback_at: None | str | Unset
        if isinstance(self.first_rollback_at, Unset):
            first_rollback_at = UNSET
        elif isinstance(self.first_rollback_at, datetime.datetime):
            first_rollback_at = self.first_rollback_at.isoformat()
        else:
            first_rollback_at = self.first_rollback_at

        first_rollback_step: int | None | Unset
        if isinstance(self.first_rollback_step, Unset):
            first_rollback_step = UNSET
        else:
            first_rollback_step = self.first_rollback_step

        rule: None | str | Unset
        if isinstance(self.rule, Unset):
            rule = UNSET
        elif isinstance(self.rule, RuleName):
            rule = self.rule.value
        else:
            rule = self.rule

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if detect_seconds is not UNSET:
            field_dict["detect_seconds"] = detect_seconds
        if detect_steps is not UNSET:
            field_dict["detect_steps"] = detect_steps
        if first_rollback_at is not UNSET:
            field_dict["first_rollback_at"] = first_rollback_at
        if first_rollback_step is not UNSET:
            field_dict["first_rollback_step"] = first_rollback_step
        if rule is not UNSET:
            field_dict["rule"] = rule

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_detect_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        detect_seconds = _parse_detect_seconds(d.pop("detect_seconds", UNSET))

        def _parse_detect_steps(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        detect_steps = _parse_detect_steps(d.pop("detect_steps", UNSET))

        def _parse_first_rollback_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                first_rollback_at_type_0 = datetime.datetime.fromisoformat(data)

                return first_rollback_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        first_rollback_at = _parse_first_rollback_at(d.pop("first_rollback_at", UNSET))

        def _parse_first_rollback_step(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        first_rollback_step = _parse_first_rollback_step(d.pop("first_rollback_step", UNSET))

        def _parse_rule(data: object) -> None | RuleName | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                rule_type_0 = RuleName(data)

                return rule_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RuleName | Unset, data)

        rule = _parse_rule(d.pop("rule", UNSET))

        policy_outcome = cls(
            detect_seconds=detect_seconds,
            detect_steps=detect_steps,
            first_rollback_at=first_rollback_at,
            first_rollback_step=first_rollback_step,
            rule=rule,
        )

        policy_outcome.additional_properties = d
        return policy_outcome

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
