from __future__ import annotations

import datetime
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


T = TypeVar("T", bound="StoredVerdict")


@_attrs_define
class StoredVerdict:
    """A verdict from the audit trail.

    Attributes:
        policy (str): The policy's name (`inline` for a policy given in the request).
        rules (list[RuleReport]):
        verdict (Decision): The answer to "should this deployment be rolled back?".
        deployment (str):
        evaluated_at (datetime.datetime):
        points (int): Points read, and the time range they cover.
        pull (None | PullReport | Unset):
        recommendation (None | Recommendation | Unset):
        as_of (datetime.datetime | None | Unset): Only points up to this time were read, when the request gave `at`.
        first_ts (datetime.datetime | None | Unset):
        id (int | None | Unset): Its place in the audit trail; null when nothing was recorded (unknown deployment).
        last_ts (datetime.datetime | None | Unset):
        policy_version (int | None | Unset): The stored policy's version; null for built-in and inline policies.
    """

    policy: str
    rules: list[RuleReport]
    verdict: Decision
    deployment: str
    evaluated_at: datetime.datetime
    points: int
    pull: None | PullReport | Unset = UNSET
    recommendation: None | Recommendation | Unset = UNSET
    as_of: datetime.datetime | None | Unset = UNSET
    first_ts: datetime.datetime | None | Unset = UNSET
    id: int | None | Unset = UNSET
    last_ts: datetime.datetime | None | Unset = UNSET
    policy_version: int | None | Unset = UNSET
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

        deployment = self.deployment

        evaluated_at = self.evaluated_at.isoformat()

        points = self.points

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

        as_of: None | str | Unset
        if isinstance(self.as_of, Unset):
            as_of = UNSET
        elif isinstance(self.as_of, datetime.datetime):
            as_of = self.as_of.isoformat()
        else:
            as_of = self.as_of

        first_ts: None | str | Unset
        if isinstance(self.first_ts, Unset):
            first_ts = UNSET
        elif isinstance(self.first_ts, datetime.datetime):
            first_ts = self.first_ts.isoformat()
        else:
            first_ts = self.first_ts

        id: int | None | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id

        last_ts: None | str | Unset
        if isinstance(self.last_ts, Unset):
            last_ts = UNSET
        elif isinstance(self.last_ts, datetime.datetime):
            last_ts = self.last_ts.isoformat()
        else:
            last_ts = self.last_ts

        policy_version: int | None | Unset
        if isinstance(self.policy_version, Unset):
            policy_version = UNSET
        else:
            policy_version = self.policy_version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "policy": policy,
                "rules": rules,
                "verdict": verdict,
                "deployment": deployment,
                "evaluated_at": evaluated_at,
                "points": points,
            }
        )
        if pull is not UNSET:
            field_dict["pull"] = pull
        if recommendation is not UNSET:
            field_dict["recommendation"] = recommendation
        if as_of is not UNSET:
            field_dict["as_of"] = as_of
        if first_ts is not UNSET:
            field_dict["first_ts"] = first_ts
        if id is not UNSET:
            field_dict["id"] = id
        if last_ts is not UNSET:
            field_dict["last_ts"] = last_ts
        if policy_version is not UNSET:
            field_dict["policy_version"] = policy_version

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

        deployment = d.pop("deployment")

        evaluated_at = datetime.datetime.fromisoformat(d.pop("evaluated_at"))

        points = d.pop("points")

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

        def _parse_as_of(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                as_of_type_0 = datetime.datetime.fromisoformat(data)

                return as_of_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        as_of = _parse_as_of(d.pop("as_of", UNSET))

        def _parse_first_ts(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                first_ts_type_0 = datetime.datetime.fromisoformat(data)

                return first_ts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        first_ts = _parse_first_ts(d.pop("first_ts", UNSET))

        def _parse_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        id = _parse_id(d.pop("id", UNSET))

        def _parse_last_ts(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_ts_type_0 = datetime.datetime.fromisoformat(data)

                return last_ts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_ts = _parse_last_ts(d.pop("last_ts", UNSET))

        def _parse_policy_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        policy_version = _parse_policy_version(d.pop("policy_version", UNSET))

        stored_verdict = cls(
            policy=policy,
            rules=rules,
            verdict=verdict,
            deployment=deployment,
            evaluated_at=evaluated_at,
            points=points,
            pull=pull,
            recommendation=recommendation,
            as_of=as_of,
            first_ts=first_ts,
            id=id,
            last_ts=last_ts,
            policy_version=policy_version,
        )

        stored_verdict.additional_properties = d
        return stored_verdict

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
