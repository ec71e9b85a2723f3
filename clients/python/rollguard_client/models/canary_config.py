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
        classifier (ClassifierConfig | Unset): `CanaryClassifierConfig`: rollguard reads only its `scoreThresholds`.
        judge (JudgeConfig | Unset): `CanaryJudgeConfig`: the judge's name and its free-form configuration.
        metrics (list[CanaryMetricConfig] | Unset):
        name (None | str | Unset):
    """

    classifier: ClassifierConfig | Unset = UNSET
    judge: JudgeConfig | Unset = UNSET
    metrics: list[CanaryMetricConfig] | Unset = UNSET
    name: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        classifier: dict[str, Any] | Unset = UNSET
        if not isinstance(self.classifier, Unset):
            classifier = self.classifier.to_dict()

        judge: dict[str, Any] | Unset = UNSET
        if not isinstance(self.judge, Unset):
            judge = self.judge.to_dict()

        metrics: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.metrics, Unset):
            metrics = []
            for metrics_item_data in self.metrics:
                metrics_item = metrics_item_data.to_dict()
                metrics.append(metrics_item)

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
        _classifier = d.pop("classifier", UNSET)
        classifier: ClassifierConfig | Unset
        if isinstance(_classifier, Unset):
            classifier = UNSET
        else:
            classifier = ClassifierConfig.from_dict(_classifier)

        _judge = d.pop("judge", UNSET)
        judge: JudgeConfig | Unset
        if isinstance(_judge, Unset):
            judge = UNSET
        else:
            judge = JudgeConfig.from_dict(_judge)

        _metrics = d.pop("metrics", UNSET)
        metrics: list[CanaryMetricConfig] | Unset = UNSET
        if _metrics is not UNSET:
            metrics = []
            for metrics_item_data in _metrics:
                metrics_item = CanaryMetricConfig.from_dict(metrics_item_data)

                metrics.append(metrics_item)

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
