from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.baseline_values import BaselineValues
    from ..models.cohort_series import CohortSeries
    from ..models.evaluation_document_metrics import EvaluationDocumentMetrics
    from ..models.partial_policy import PartialPolicy


T = TypeVar("T", bound="EvaluationDocument")


@_attrs_define
class EvaluationDocument:
    """A request to evaluate series against a policy.

    Attributes:
        baseline (BaselineValues | Unset): Explicit baseline values.
        cohorts (CohortSeries | Unset): Series of the non-canary cohorts, by metric name.
        metrics (EvaluationDocumentMetrics | Unset): The canary's series by metric name (`[a-z][a-z0-9_]{0,63}`), each
            oldest first: all
            numbers, or all `{ts, value}` points with strictly increasing times, either all with a
            `count` or all without. The rules read `error_rate` (percent, 0–100), `latency_p99` (ms)
            and `conversion_rate` (fraction, 0–1). Example: {'conversion_rate': [0.029], 'error_rate': [0.4, 0.7, 6.2],
            'latency_p99': [{'count': 850, 'ts': '2026-11-24T10:00:00Z', 'value': 212.5}]}.
        policy (None | PartialPolicy | str | Unset):
    """

    baseline: BaselineValues | Unset = UNSET
    cohorts: CohortSeries | Unset = UNSET
    metrics: EvaluationDocumentMetrics | Unset = UNSET
    policy: None | PartialPolicy | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.partial_policy import PartialPolicy  # noqa: PLC0415

        baseline: dict[str, Any] | Unset = UNSET
        if not isinstance(self.baseline, Unset):
            baseline = self.baseline.to_dict()

        cohorts: dict[str, Any] | Unset = UNSET
        if not isinstance(self.cohorts, Unset):
            cohorts = self.cohorts.to_dict()

        metrics: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metrics, Unset):
            metrics = self.metrics.to_dict()

        policy: dict[str, Any] | None | str | Unset
        if isinstance(self.policy, Unset):
            policy = UNSET
        elif isinstance(self.policy, PartialPolicy):
            policy = self.policy.to_dict()
        else:
            policy = self.policy

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if baseline is not UNSET:
            field_dict["baseline"] = baseline
        if cohorts is not UNSET:
            field_dict["cohorts"] = cohorts
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if policy is not UNSET:
            field_dict["policy"] = policy

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.baseline_values import BaselineValues  # noqa: PLC0415
        from ..models.cohort_series import CohortSeries  # noqa: PLC0415
        from ..models.evaluation_document_metrics import EvaluationDocumentMetrics  # noqa: PLC0415
        from ..models.partial_policy import PartialPolicy  # noqa: PLC0415

        d = dict(src_dict)
        _baseline = d.pop("baseline", UNSET)
        baseline: BaselineValues | Unset
        if isinstance(_baseline, Unset):
            baseline = UNSET
        else:
            baseline = BaselineValues.from_dict(_baseline)

        _cohorts = d.pop("cohorts", UNSET)
        cohorts: CohortSeries | Unset
        if isinstance(_cohorts, Unset):
            cohorts = UNSET
        else:
            cohorts = CohortSeries.from_dict(_cohorts)

        _metrics = d.pop("metrics", UNSET)
        metrics: EvaluationDocumentMetrics | Unset
        if isinstance(_metrics, Unset):
            metrics = UNSET
        else:
            metrics = EvaluationDocumentMetrics.from_dict(_metrics)

        def _parse_policy(data: object) -> None | PartialPolicy | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_policy_spec_type_1 = PartialPolicy.from_dict(data)

                return componentsschemas_policy_spec_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PartialPolicy | str | Unset, data)

        policy = _parse_policy(d.pop("policy", UNSET))

        evaluation_document = cls(
            baseline=baseline,
            cohorts=cohorts,
            metrics=metrics,
            policy=policy,
        )

        return evaluation_document
