from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.decision import Decision
from ..models.outcome import Outcome
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.deployment_labels import DeploymentLabels


T = TypeVar("T", bound="Deployment")


@_attrs_define
class Deployment:
    """A stored deployment.

    Attributes:
        created_at (datetime.datetime):
        key (str):
        points (int): Points stored for this deployment, all metrics and cohorts.
        updated_at (datetime.datetime):
        environment (None | str | Unset): Its default policy applies when the deployment names none. Example:
            production.
        labels (DeploymentLabels | Unset): At most 64 labels.
        latest_verdict (Decision | None | Unset):
        latest_verdict_at (datetime.datetime | None | Unset):
        latest_verdict_policy (None | str | Unset): The policy that judged the latest stored verdict (`inline` for a
            policy given in the
            request).
        outcome (None | Outcome | Unset):
        policy (None | str | Unset): The policy this deployment is judged by; when absent, its environment's default.
        service (None | str | Unset):  Example: checkout.
        started_at (datetime.datetime | None | Unset): RFC 3339, years 0001–9999 (UTC), no leap second; digits past the
            microsecond are cut.
        version (None | str | Unset):  Example: v2.3.1.
    """

    created_at: datetime.datetime
    key: str
    points: int
    updated_at: datetime.datetime
    environment: None | str | Unset = UNSET
    labels: DeploymentLabels | Unset = UNSET
    latest_verdict: Decision | None | Unset = UNSET
    latest_verdict_at: datetime.datetime | None | Unset = UNSET
    latest_verdict_policy: None | str | Unset = UNSET
    outcome: None | Outcome | Unset = UNSET
    policy: None | str | Unset = UNSET
    service: None | str | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    version: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        key = self.key

        points = self.points

        updated_at = self.updated_at.isoformat()

        environment: None | str | Unset
        if isinstance(self.environment, Unset):
            environment = UNSET
        else:
            environment = self.environment

        labels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels.to_dict()

        latest_verdict: None | str | Unset
        if isinstance(self.latest_verdict, Unset):
            latest_verdict = UNSET
        elif isinstance(self.latest_verdict, Decision):
            latest_verdict = self.latest_verdict.value
        else:
            latest_verdict = self.latest_verdict

        latest_verdict_at: None | str | Unset
        if isinstance(self.latest_verdict_at, Unset):
            latest_verdict_at = UNSET
        elif isinstance(self.latest_verdict_at, datetime.datetime):
            latest_verdict_at = self.latest_verdict_at.isoformat()
        else:
            latest_verdict_at = self.latest_verdict_at

        latest_verdict_policy: None | str | Unset
        if isinstance(self.latest_verdict_policy, Unset):
            latest_verdict_policy = UNSET
        else:
            latest_verdict_policy = self.latest_verdict_policy

        outcome: None | str | Unset
        if isinstance(self.outcome, Unset):
            outcome = UNSET
        elif isinstance(self.outcome, Outcome):
            outcome = self.outcome.value
        else:
            outcome = self.outcome

        policy: None | str | Unset
        if isinstance(self.policy, Unset):
            policy = UNSET
        else:
            policy = self.policy

        service: None | str | Unset
        if isinstance(self.service, Unset):
            service = UNSET
        else:
            service = self.service

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        version: None | str | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "key": key,
                "points": points,
                "updated_at": updated_at,
            }
        )
        if environment is not UNSET:
            field_dict["environment"] = environment
        if labels is not UNSET:
            field_dict["labels"] = labels
        if latest_verdict is not UNSET:
            field_dict["latest_verdict"] = latest_verdict
        if latest_verdict_at is not UNSET:
            field_dict["latest_verdict_at"] = latest_verdict_at
        if latest_verdict_policy is not UNSET:
            field_dict["latest_verdict_policy"] = latest_verdict_policy
        if outcome is not UNSET:
            field_dict["outcome"] = outcome
        if policy is not UNSET:
            field_dict["policy"] = policy
        if service is not UNSET:
            field_dict["service"] = service
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.deployment_labels import DeploymentLabels  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        key = d.pop("key")

        points = d.pop("points")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_environment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        environment = _parse_environment(d.pop("environment", UNSET))

        _labels = d.pop("labels", UNSET)
        labels: DeploymentLabels | Unset
        if isinstance(_labels, Unset):
            labels = UNSET
        else:
            labels = DeploymentLabels.from_dict(_labels)

        def _parse_latest_verdict(data: object) -> Decision | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                latest_verdict_type_0 = Decision(data)

                return latest_verdict_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Decision | None | Unset, data)

        latest_verdict = _parse_latest_verdict(d.pop("latest_verdict", UNSET))

        def _parse_latest_verdict_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                latest_verdict_at_type_0 = datetime.datetime.fromisoformat(data)

                return latest_verdict_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        latest_verdict_at = _parse_latest_verdict_at(d.pop("latest_verdict_at", UNSET))

        def _parse_latest_verdict_policy(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        latest_verdict_policy = _parse_latest_verdict_policy(d.pop("latest_verdict_policy", UNSET))

        def _parse_outcome(data: object) -> None | Outcome | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                outcome_type_0 = Outcome(data)

                return outcome_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Outcome | Unset, data)

        outcome = _parse_outcome(d.pop("outcome", UNSET))

        def _parse_policy(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        policy = _parse_policy(d.pop("policy", UNSET))

        def _parse_service(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        service = _parse_service(d.pop("service", UNSET))

        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        started_at = _parse_started_at(d.pop("started_at", UNSET))

        def _parse_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        deployment = cls(
            created_at=created_at,
            key=key,
            points=points,
            updated_at=updated_at,
            environment=environment,
            labels=labels,
            latest_verdict=latest_verdict,
            latest_verdict_at=latest_verdict_at,
            latest_verdict_policy=latest_verdict_policy,
            outcome=outcome,
            policy=policy,
            service=service,
            started_at=started_at,
            version=version,
        )

        deployment.additional_properties = d
        return deployment

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
