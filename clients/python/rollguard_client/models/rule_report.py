from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.baseline_source import BaselineSource
from ..models.method import Method
from ..models.rule_name import RuleName
from ..models.rule_status import RuleStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.comparison import Comparison


T = TypeVar("T", bound="RuleReport")


@_attrs_define
class RuleReport:
    """One rule's result as reported: its numbers and a line for a person.

    Attributes:
        points (int): Points the rule read (for latency: the baseline points plus the last point).
        rule (RuleName): The rules rollguard knows, by their names in policies and verdicts.
        status (RuleStatus): What one rule concluded.
        message (str): One line for a person, e.g. "mean error rate of last 3 points 6.10% > 5.00%".
        baseline (float | None | Unset): Conversion only: the baseline conversion rate and where it came from.
        baseline_source (BaselineSource | None | Unset):
        beyond (int | None | Unset): With a persistence guard: how many of the last `of` points were beyond the limit.
        comparison (Comparison | None | Unset):
        mean (float | None | Unset): Latency only: the baseline mean and population standard deviation.
        method (Method | None | Unset):
        needed (int | Unset): Points the rule needs before it can judge.
        observed (float | None | Unset): The value compared with the threshold (mean error rate, last latency, current
            conversion); null when the rule lacked data.
        std_dev (float | None | Unset):
        threshold (float | None | Unset):
    """

    points: int
    rule: RuleName
    status: RuleStatus
    message: str
    baseline: float | None | Unset = UNSET
    baseline_source: BaselineSource | None | Unset = UNSET
    beyond: int | None | Unset = UNSET
    comparison: Comparison | None | Unset = UNSET
    mean: float | None | Unset = UNSET
    method: Method | None | Unset = UNSET
    needed: int | Unset = UNSET
    observed: float | None | Unset = UNSET
    std_dev: float | None | Unset = UNSET
    threshold: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.comparison import Comparison  # noqa: PLC0415

        points = self.points

        rule = self.rule.value

        status = self.status.value

        message = self.message

        baseline: float | None | Unset
        if isinstance(self.baseline, Unset):
            baseline = UNSET
        else:
            baseline = self.baseline

        baseline_source: None | str | Unset
        if isinstance(self.baseline_source, Unset):
            baseline_source = UNSET
        elif isinstance(self.baseline_source, BaselineSource):
            baseline_source = self.baseline_source.value
        else:
            baseline_source = self.baseline_source

        beyond: int | None | Unset
        if isinstance(self.beyond, Unset):
            beyond = UNSET
        else:
            beyond = self.beyond

        comparison: dict[str, Any] | None | Unset
        if isinstance(self.comparison, Unset):
            comparison = UNSET
        elif isinstance(self.comparison, Comparison):
            comparison = self.comparison.to_dict()
        else:
            comparison = self.comparison

        mean: float | None | Unset
        if isinstance(self.mean, Unset):
            mean = UNSET
        else:
            mean = self.mean

        method: None | str | Unset
        if isinstance(self.method, Unset):
            method = UNSET
        elif isinstance(self.method, Method):
            method = self.method.value
        else:
            method = self.method

        needed = self.needed

        observed: float | None | Unset
        if isinstance(self.observed, Unset):
            observed = UNSET
        else:
            observed = self.observed

        std_dev: float | None | Unset
        if isinstance(self.std_dev, Unset):
            std_dev = UNSET
        else:
            std_dev = self.std_dev

        threshold: float | None | Unset
        if isinstance(self.threshold, Unset):
            threshold = UNSET
        else:
            threshold = self.threshold

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "points": points,
                "rule": rule,
                "status": status,
                "message": message,
            }
        )
        if baseline is not UNSET:
            field_dict["baseline"] = baseline
        if baseline_source is not UNSET:
            field_dict["baseline_source"] = baseline_source
        if beyond is not UNSET:
            field_dict["beyond"] = beyond
        if comparison is not UNSET:
            field_dict["comparison"] = comparison
        if mean is not UNSET:
            field_dict["mean"] = mean
        if method is not UNSET:
            field_dict["method"] = method
        if needed is not UNSET:
            field_dict["needed"] = needed
        if observed is not UNSET:
            field_dict["observed"] = observed
        if std_dev is not UNSET:
            field_dict["std_dev"] = std_dev
        if threshold is not UNSET:
            field_dict["threshold"] = threshold

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.comparison import Comparison  # noqa: PLC0415

        d = dict(src_dict)
        points = d.pop("points")

        rule = RuleName(d.pop("rule"))

        status = RuleStatus(d.pop("status"))

        message = d.pop("message")

        def _parse_baseline(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        baseline = _parse_baseline(d.pop("baseline", UNSET))

        def _parse_baseline_source(data: object) -> BaselineSource | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                baseline_source_type_0 = BaselineSource(data)

                return baseline_source_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BaselineSource | None | Unset, data)

        baseline_source = _parse_baseline_source(d.pop("baseline_source", UNSET))

        def _parse_beyond(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        beyond = _parse_beyond(d.pop("beyond", UNSET))

        def _parse_comparison(data: object) -> Comparison | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                comparison_type_0 = Comparison.from_dict(data)

                return comparison_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Comparison | None | Unset, data)

        comparison = _parse_comparison(d.pop("comparison", UNSET))

        def _parse_mean(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        mean = _parse_mean(d.pop("mean", UNSET))

        def _parse_method(data: object) -> Method | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                method_type_0 = Method(data)

                return method_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Method | None | Unset, data)

        method = _parse_method(d.pop("method", UNSET))

        needed = d.pop("needed", UNSET)

        def _parse_observed(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        observed = _parse_observed(d.pop("observed", UNSET))

        def _parse_std_dev(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        std_dev = _parse_std_dev(d.pop("std_dev", UNSET))

        def _parse_threshold(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        threshold = _parse_threshold(d.pop("threshold", UNSET))

        rule_report = cls(
            points=points,
            rule=rule,
            status=status,
            message=message,
            baseline=baseline,
            baseline_source=baseline_source,
            beyond=beyond,
            comparison=comparison,
            mean=mean,
            method=method,
            needed=needed,
            observed=observed,
            std_dev=std_dev,
            threshold=threshold,
        )

        rule_report.additional_properties = d
        return rule_report

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
