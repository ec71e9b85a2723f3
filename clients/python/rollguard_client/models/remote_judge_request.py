from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.canary_config import CanaryConfig
    from ..models.metric_set_pair import MetricSetPair
    from ..models.score_thresholds import ScoreThresholds


T = TypeVar("T", bound="RemoteJudgeRequest")


@_attrs_define
class RemoteJudgeRequest:
    """Kayenta's `RemoteJudgeRequest`.

    Attributes:
        canary_config (CanaryConfig | None | Unset):
        metric_set_pair_list (list[MetricSetPair] | None | Unset): The metrics, one pair (control and experiment series)
            each.
        score_thresholds (None | ScoreThresholds | Unset):
    """

    canary_config: CanaryConfig | None | Unset = UNSET
    metric_set_pair_list: list[MetricSetPair] | None | Unset = UNSET
    score_thresholds: None | ScoreThresholds | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.canary_config import CanaryConfig  # noqa: PLC0415
        from ..models.score_thresholds import ScoreThresholds  # noqa: PLC0415

        canary_config: dict[str, Any] | None | Unset
        if isinstance(self.canary_config, Unset):
            canary_config = UNSET
        elif isinstance(self.canary_config, CanaryConfig):
            canary_config = self.canary_config.to_dict()
        else:
            canary_config = self.canary_config

        metric_set_pair_list: list[dict[str, Any]] | None | Unset
        if isinstance(self.metric_set_pair_list, Unset):
            metric_set_pair_list = UNSET
        elif isinstance(self.metric_set_pair_list, list):
            metric_set_pair_list = []
            for metric_set_pair_list_type_0_item_data in self.metric_set_pair_list:
                metric_set_pair_list_type_0_item = metric_set_pair_list_type_0_item_data.to_dict()
                metric_set_pair_list.append(metric_set_pair_list_type_0_item)

        else:
            metric_set_pair_list = self.metric_set_pair_list

        score_thresholds: dict[str, Any] | None | Unset
        if isinstance(self.score_thresholds, Unset):
            score_thresholds = UNSET
        elif isinstance(self.score_thresholds, ScoreThresholds):
            score_thresholds = self.score_thresholds.to_dict()
        else:
            score_thresholds = self.score_thresholds

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if canary_config is not UNSET:
            field_dict["canaryConfig"] = canary_config
        if metric_set_pair_list is not UNSET:
            field_dict["metricSetPairList"] = metric_set_pair_list
        if score_thresholds is not UNSET:
            field_dict["scoreThresholds"] = score_thresholds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.canary_config import CanaryConfig  # noqa: PLC0415
        from ..models.metric_set_pair import MetricSetPair  # noqa: PLC0415
        from ..models.score_thresholds import ScoreThresholds  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_canary_config(data: object) -> CanaryConfig | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                canary_config_type_0 = CanaryConfig.from_dict(data)

                return canary_config_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CanaryConfig | None | Unset, data)

        canary_config = _parse_canary_config(d.pop("canaryConfig", UNSET))

        def _parse_metric_set_pair_list(data: object) -> list[MetricSetPair] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                metric_set_pair_list_type_0 = []
                _metric_set_pair_list_type_0 = data
                for metric_set_pair_list_type_0_item_data in _metric_set_pair_list_type_0:
                    metric_set_pair_list_type_0_item = MetricSetPair.from_dict(metric_set_pair_list_type_0_item_data)

                    metric_set_pair_list_type_0.append(metric_set_pair_list_type_0_item)

                return metric_set_pair_list_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[MetricSetPair] | None | Unset, data)

        metric_set_pair_list = _parse_metric_set_pair_list(d.pop("metricSetPairList", UNSET))

        def _parse_score_thresholds(data: object) -> None | ScoreThresholds | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                score_thresholds_type_0 = ScoreThresholds.from_dict(data)

                return score_thresholds_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ScoreThresholds | Unset, data)

        score_thresholds = _parse_score_thresholds(d.pop("scoreThresholds", UNSET))

        remote_judge_request = cls(
            canary_config=canary_config,
            metric_set_pair_list=metric_set_pair_list,
            score_thresholds=score_thresholds,
        )

        remote_judge_request.additional_properties = d
        return remote_judge_request

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
