from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.score_classification import ScoreClassification

T = TypeVar("T", bound="CanaryJudgeGroupScore")


@_attrs_define
class CanaryJudgeGroupScore:
    """`CanaryJudgeGroupScore`.

    Attributes:
        classification (ScoreClassification): Kayenta's summary labels (`ThresholdScoreClassifier`).
        classification_reason (str):
        name (str):
        score (float): The group's metrics combined as the verdict combines rules, scored like the verdict.
    """

    classification: ScoreClassification
    classification_reason: str
    name: str
    score: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        classification = self.classification.value

        classification_reason = self.classification_reason

        name = self.name

        score = self.score

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "classification": classification,
                "classificationReason": classification_reason,
                "name": name,
                "score": score,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        classification = ScoreClassification(d.pop("classification"))

        classification_reason = d.pop("classificationReason")

        name = d.pop("name")

        score = d.pop("score")

        canary_judge_group_score = cls(
            classification=classification,
            classification_reason=classification_reason,
            name=name,
            score=score,
        )

        canary_judge_group_score.additional_properties = d
        return canary_judge_group_score

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
