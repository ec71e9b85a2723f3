from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.step_action import StepAction

T = TypeVar("T", bound="Recommendation")


@_attrs_define
class Recommendation:
    """The next step for a canary at `current_weight` of `max_weight`.

    Attributes:
        action (StepAction): What the controller should do next.
        current_weight (int): Percent of traffic on the canary now.
        max_weight (int): Percent at which the canary is fully rolled out.
        next_weight (int): The weight to set next (equal to the current one for abort and hold).
        reason (str): Why, in one line.
    """

    action: StepAction
    current_weight: int
    max_weight: int
    next_weight: int
    reason: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        current_weight = self.current_weight

        max_weight = self.max_weight

        next_weight = self.next_weight

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "current_weight": current_weight,
                "max_weight": max_weight,
                "next_weight": next_weight,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = StepAction(d.pop("action"))

        current_weight = d.pop("current_weight")

        max_weight = d.pop("max_weight")

        next_weight = d.pop("next_weight")

        reason = d.pop("reason")

        recommendation = cls(
            action=action,
            current_weight=current_weight,
            max_weight=max_weight,
            next_weight=next_weight,
            reason=reason,
        )

        recommendation.additional_properties = d
        return recommendation

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
