from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.decision import Decision
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.pull_report import PullReport
    from ..models.recommendation import Recommendation
    from ..models.rule_report import RuleReport


T = TypeVar("T", bound="Verdict")


@_attrs_define
class Verdict:
    """The reported verdict: the decision, the policy that made it, and every rule's numbers.

    Attributes:
        policy (str): The policy's name (`inline` for a policy given in the request).
        rules (list[RuleReport]):
        verdict (Decision): The answer to "should this deployment be rolled back?".
        pull (None | PullReport | Unset):
        recommendation (None | Recommendation | Unset):
    """

    policy: str
    rules: list[RuleReport]
    verdict: Decision
    pull: None | PullReport | Unset = UNSET
    recommendation: None | Recommendation | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.pull_report import PullReport  # noqa: PLC0415
        from ..models.recommendation import Recommendation  # noqa: PLC0415

        policy = self.policy

        rules = []
        for rules_item_data in self.rules:
            rules_item = rules_item_data.to_dict()
            rules.append(rules_item)

        verdict = self.verdict.value

        pull: dict[str, Any] | None | Unset
        if isinstance(self.pull, Unset):
            pull = UNSET
        elif isinstance(self.pull, PullReport):
            pull = self.pull.to_dict()
        else:
            pull = self.pull

        recommendation: dict[str, Any] | None | Unset
        if isinstance(self.recommendation, Unset):
            recommendation = UNSET
        elif isinstance(self.recommendation, Recommendation):
            recommendation = self.recommendation.to_dict()
        else:
            recommendation = self.recommendation

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "policy": policy,
                "rules": rules,
                "verdict": verdict,
            }
        )
        if pull is not UNSET:
            field_dict["pull"] = pull
        if recommendation is not UNSET:
            field_dict["recommendation"] = recommendation

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pull_report import PullReport  # noqa: PLC0415
        from ..models.recommendation import Recommendation  # noqa: PLC0415
        from ..models.rule_report import RuleReport  # noqa: PLC0415

        d = dict(src_dict)
        policy = d.pop("policy")

        rules = []
        _rules = d.pop("rules")
        for rules_item_data in _rules:
            rules_item = RuleReport.from_dict(rules_item_data)

            rules.append(rules_item)

        verdict = Decision(d.pop("verdict"))

        def _parse_pull(data: object) -> None | PullReport | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                pull_type_0 = PullReport.from_dict(data)

                return pull_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PullReport | Unset, data)

        pull = _parse_pull(d.pop("pull", UNSET))

        def _parse_recommendation(data: object) -> None | Recommendation | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                recommendation_type_0 = Recommendation.from_dict(data)

                return recommendation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Recommendation | Unset, data)

        recommendation = _parse_recommendation(d.pop("recommendation", UNSET))

        verdict = cls(
            policy=policy,
            rules=rules,
            verdict=verdict,
            pull=pull,
            recommendation=recommendation,
        )

        verdict.additional_properties = d
        return verdict

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
