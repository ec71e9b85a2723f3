from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.outcome import Outcome
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.prometheus_deployment_labels import PrometheusDeploymentLabels


T = TypeVar("T", bound="PrometheusDeployment")


@_attrs_define
class PrometheusDeployment:
    """A past deployment to read from Prometheus and replay. Its fields fill the templates of the
    sets that apply to it (by `key`, `service` and `environment`, narrower first), as for a live
    deployment.

        Attributes:
            key (str):
            since (datetime.datetime): The range read: the rollout's start and end (RFC 3339).
            until (datetime.datetime):
            baseline_version (None | str | Unset): The stable version beside it (`{{baseline_version}}`). Example: v2.3.0.
            environment (None | str | Unset):  Example: production.
            labels (PrometheusDeploymentLabels | Unset): More values for `{{labels.NAME}}`.
            onset_step (int | None | Unset): The 1-based step a known regression began, for time to detect.
            outcome (None | Outcome | Unset):
            service (None | str | Unset):  Example: checkout.
            version (None | str | Unset): The canary's version (`{{version}}`). Example: v2.3.1.
    """

    key: str
    since: datetime.datetime
    until: datetime.datetime
    baseline_version: None | str | Unset = UNSET
    environment: None | str | Unset = UNSET
    labels: PrometheusDeploymentLabels | Unset = UNSET
    onset_step: int | None | Unset = UNSET
    outcome: None | Outcome | Unset = UNSET
    service: None | str | Unset = UNSET
    version: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        since = self.since.isoformat()

        until = self.until.isoformat()

        baseline_version: None | str | Unset
        if isinstance(self.baseline_version, Unset):
            baseline_version = UNSET
        else:
            baseline_version = self.baseline_version

        environment: None | str | Unset
        if isinstance(self.environment, Unset):
            environment = UNSET
        else:
            environment = self.environment

        labels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels.to_dict()

        onset_step: int | None | Unset
        if isinstance(self.onset_step, Unset):
            onset_step = UNSET
        else:
            onset_step = self.onset_step

        outcome: None | str | Unset
        if isinstance(self.outcome, Unset):
            outcome = UNSET
        elif isinstance(self.outcome, Outcome):
            outcome = self.outcome.value
        else:
            outcome = self.outcome

        service: None | str | Unset
        if isinstance(self.service, Unset):
            service = UNSET
        else:
            service = self.service

        version: None | str | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "key": key,
                "since": since,
                "until": until,
            }
        )
        if baseline_version is not UNSET:
            field_dict["baseline_version"] = baseline_version
        if environment is not UNSET:
            field_dict["environment"] = environment
        if labels is not UNSET:
            field_dict["labels"] = labels
        if onset_step is not UNSET:
            field_dict["onset_step"] = onset_step
        if outcome is not UNSET:
            field_dict["outcome"] = outcome
        if service is not UNSET:
            field_dict["service"] = service
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.prometheus_deployment_labels import PrometheusDeploymentLabels  # noqa: PLC0415

        d = dict(src_dict)
        key = d.pop("key")

        since = datetime.datetime.fromisoformat(d.pop("since"))

        until = datetime.datetime.fromisoformat(d.pop("until"))

        def _parse_baseline_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        baseline_version = _parse_baseline_version(d.pop("baseline_version", UNSET))

        def _parse_environment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        environment = _parse_environment(d.pop("environment", UNSET))

        _labels = d.pop("labels", UNSET)
        labels: PrometheusDeploymentLabels | Unset
        if isinstance(_labels, Unset):
            labels = UNSET
        else:
            labels = PrometheusDeploymentLabels.from_dict(_labels)

        def _parse_onset_step(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        onset_step = _parse_onset_step(d.pop("onset_step", UNSET))

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

        def _parse_service(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        service = _parse_service(d.pop("service", UNSET))

        def _parse_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        prometheus_deployment = cls(
            key=key,
            since=since,
            until=until,
            baseline_version=baseline_version,
            environment=environment,
            labels=labels,
            onset_step=onset_step,
            outcome=outcome,
            service=service,
            version=version,
        )

        return prometheus_deployment
