from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.score_classification import ScoreClassification

T = TypeVar("T", bound="CanaryJudgeScore")


@_attrs_define
class CanaryJudgeScore:
    """`CanaryJudgeScore`.

    Attributes:
        classification (ScoreClassification): Kayenta's summary labels (`ThresholdScoreClassifier`).
        classification_reason (str): The verdict, the policy, and the reasons: the triggered rules' messages, else every
            judged metric's.
        score (float): 100 for `pass`, 0 for `rollback`, (marginal + pass) / 2 for `inconclusive`. Example: 100.0.
    """

    classification: ScoreClassification
    classification_reason: str
    score: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        classification = self.classification.value

        classification_reason = self.classification_reason

        score = self.score

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "classification": classification,
                "classificationReason": classification_reason,
                "score": score,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        classification = ScoreClassification(d.pop("classification"))

        classification_reason = d.pop("classificationReason")

        score = d.pop("score")

        canary_judge_score = cls(
            classification=classification,
            classification_reason=classification_reason,
            score=score,
        )

        canary_judge_score.additional_properties = d
        return canary_judge_score

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
