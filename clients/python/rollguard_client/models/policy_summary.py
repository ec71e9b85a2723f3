from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.confusion import Confusion
    from ..models.time_to_detect import TimeToDetect


T = TypeVar("T", bound="PolicySummary")


@_attrs_define
class PolicySummary:
    """How one policy did over the whole replay.

    Attributes:
        caught_after_onset (int): Incidents with a known onset rolled back at or after it.
        confusion (Confusion): Deployments by what the policy said and what really happened. An incident is a deployment
            whose outcome is `rolled_back`; a healthy one was `promoted`.
        deployments (int):
        early_fires (int): Incidents with a known onset rolled back before it (a false alarm that happened to hit a
            bad deployment).
        time_to_detect (TimeToDetect): Detection delays of the incidents a policy caught at or after their onset.
        with_outcome (int): Deployments with a known outcome (the confusion matrix counts only these).
        would_roll_back (int):
        false_rollback_rate (float | None | Unset): fp / (fp + tn): healthy deployments rolled back.
        precision (float | None | Unset): tp / (tp + fp).
        recall (float | None | Unset): tp / (tp + fn).
    """

    caught_after_onset: int
    confusion: Confusion
    deployments: int
    early_fires: int
    time_to_detect: TimeToDetect
    with_outcome: int
    would_roll_back: int
    false_rollback_rate: float | None | Unset = UNSET
    precision: float | None | Unset = UNSET
    recall: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        caught_after_onset = self.caught_after_onset

        confusion = self.confusion.to_dict()

        deployments = self.deployments

        early_fires = self.early_fires

        time_to_detect = self.time_to_detect.to_dict()

        with_outcome = self.with_outcome

        would_roll_back = self.would_roll_back

        false_rollback_rate: float | None | Unset
        if isinstance(self.false_rollback_rate, Unset):
            false_rollback_rate = UNSET
        else:
            false_rollback_rate = self.false_rollback_rate

        precision: float | None | Unset
        if isinstance(self.precision, Unset):
            precision = UNSET
        else:
            precision = self.precision

        recall: float | None | Unset
        if isinstance(self.recall, Unset):
            recall = UNSET
        else:
            recall = self.recall

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "caught_after_onset": caught_after_onset,
                "confusion": confusion,
                "deployments": deployments,
                "early_fires": early_fires,
                "time_to_detect": time_to_detect,
                "with_outcome": with_outcome,
                "would_roll_back": would_roll_back,
            }
        )
        if false_rollback_rate is not UNSET:
            field_dict["false_rollback_rate"] = false_rollback_rate
        if precision is not UNSET:
            field_dict["precision"] = precision
        if recall is not UNSET:
            field_dict["recall"] = recall

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.confusion import Confusion  # noqa: PLC0415
        from ..models.time_to_detect import TimeToDetect  # noqa: PLC0415

        d = dict(src_dict)
        caught_after_onset = d.pop("caught_after_onset")

        confusion = Confusion.from_dict(d.pop("confusion"))

        deployments = d.pop("deployments")

        early_fires = d.pop("early_fires")

        time_to_detect = TimeToDetect.from_dict(d.pop("time_to_detect"))

        with_outcome = d.pop("with_outcome")

        would_roll_back = d.pop("would_roll_back")

        def _parse_false_rollback_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        false_rollback_rate = _parse_false_rollback_rate(d.pop("false_rollback_rate", UNSET))

        def _parse_precision(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        precision = _parse_precision(d.pop("precision", UNSET))

        def _parse_recall(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        recall = _parse_recall(d.pop("recall", UNSET))

        policy_summary = cls(
            caught_after_onset=caught_after_onset,
            confusion=confusion,
            deployments=deployments,
            early_fires=early_fires,
            time_to_detect=time_to_detect,
            with_outcome=with_outcome,
            would_roll_back=would_roll_back,
            false_rollback_rate=false_rollback_rate,
            precision=precision,
            recall=recall,
        )

        policy_summary.additional_properties = d
        return policy_summary

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
