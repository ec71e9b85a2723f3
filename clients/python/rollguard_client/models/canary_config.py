from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.canary_metric_config import CanaryMetricConfig
    from ..models.classifier_config import ClassifierConfig
    from ..models.judge_config import JudgeConfig


T = TypeVar("T", bound="CanaryConfig")


@_attrs_define
class CanaryConfig:
    """The parts of Kayenta's `CanaryConfig` rollguard reads; the rest is ignored.

    Attributes:
        classifier (ClassifierConfig | None | Unset):
        judge (JudgeConfig | None | Unset):
        metrics (list[CanaryMetricConfig] | None | Unset):
        name (None | str | Unset):
    """

    classifier: ClassifierConfig | None | Unset = UNSET
    judge: JudgeConfig | None | Unset = UNSET
    metrics: list[CanaryMetricConfig] | None | Unset = UNSET
    name: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.classifier_config import ClassifierConfig  # noqa: PLC0415
        from ..models.judge_config import JudgeConfig  # noqa: PLC0415

        classifier: dict[str, Any] | None | Unset
        if isinstance(self.classifier, Unset):
            classifier = UNSET
        elif isinstance(self.classifier, ClassifierConfig):
            classifier = self.classifier.to_dict()
        else:
            classifier = self.classifier

        judge: dict[str, Any] | None | Unset
        if isinstance(self.judge, Unset):
            judge = UNSET
        elif isinstance(self.judge, JudgeConfig):
            judge = self.judge.to_dict()
        else:
            judge = self.judge

        metrics: list[dict[str, Any]] | None | Unset
        if isinstance(self.metrics, Unset):
            metrics = UNSET
        elif isinstance(self.metrics, list):
            metrics = []
            for metrics_type_0_item_data in self.metrics:
                metrics_type_0_item = metrics_type_0_item_data.to_dict()
                metrics.append(metrics_type_0_item)

        else:
            metrics = self.metrics

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if classifier is not UNSET:
            field_dict["classifier"] = classifier
        if judge is not UNSET:
            field_dict["judge"] = judge
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.canary_metric_config import CanaryMetricConfig  # noqa: PLC0415
        from ..models.classifier_config import ClassifierConfig  # noqa: PLC0415
        from ..models.judge_config import JudgeConfig  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_classifier(data: object) -> ClassifierConfig | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                classifier_type_0 = ClassifierConfig.from_dict(data)

                return classifier_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ClassifierConfig | None | Unset, data)

        classifier = _parse_classifier(d.pop("classifier", UNSET))

        def _parse_judge(data: object) -> JudgeConfig | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                judge_type_0 = JudgeConfig.from_dict(data)

                return judge_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JudgeConfig | None | Unset, data)

        judge = _parse_judge(d.pop("judge", UNSET))

        def _parse_metrics(data: object) -> list[CanaryMetricConfig] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                metrics_type_0 = []
                _metrics_type_0 = data
                for metrics_type_0_item_data in _metrics_type_0:
                    metrics_type_0_item = CanaryMetricConfig.from_dict(metrics_type_0_item_data)

                    metrics_type_0.append(metrics_type_0_item)

                return metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[CanaryMetricConfig] | None | Unset, data)

        metrics = _parse_metrics(d.pop("metrics", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        canary_config = cls(
            classifier=classifier,
            judge=judge,
            metrics=metrics,
            name=name,
        )

        canary_config.additional_properties = d
        return canary_config

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
