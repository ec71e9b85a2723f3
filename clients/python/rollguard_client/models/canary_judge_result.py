from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.canary_analysis_result import CanaryAnalysisResult
    from ..models.canary_judge_group_score import CanaryJudgeGroupScore
    from ..models.canary_judge_score import CanaryJudgeScore
    from ..models.judge_verdict import JudgeVerdict


T = TypeVar("T", bound="CanaryJudgeResult")


@_attrs_define
class CanaryJudgeResult:
    """Kayenta's `CanaryJudgeResult`.

    Attributes:
        group_scores (list[CanaryJudgeGroupScore]): One per canary-config group that a pair's metric belongs to, by
            name.
        judge_name (str):  Example: rollguard.
        results (list[CanaryAnalysisResult]): One per metric set pair, in the request's order.
        rollguard (JudgeVerdict): The verdict behind the score.
        score (CanaryJudgeScore): `CanaryJudgeScore`.
    """

    group_scores: list[CanaryJudgeGroupScore]
    judge_name: str
    results: list[CanaryAnalysisResult]
    rollguard: JudgeVerdict
    score: CanaryJudgeScore
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        group_scores = []
        for group_scores_item_data in self.group_scores:
            group_scores_item = group_scores_item_data.to_dict()
            group_scores.append(group_scores_item)

        judge_name = self.judge_name

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        rollguard = self.rollguard.to_dict()

        score = self.score.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "groupScores": group_scores,
                "judgeName": judge_name,
                "results": results,
                "rollguard": rollguard,
                "score": score,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.canary_analysis_result import CanaryAnalysisResult  # noqa: PLC0415
        from ..models.canary_judge_group_score import CanaryJudgeGroupScore  # noqa: PLC0415
        from ..models.canary_judge_score import CanaryJudgeScore  # noqa: PLC0415
        from ..models.judge_verdict import JudgeVerdict  # noqa: PLC0415

        d = dict(src_dict)
        group_scores = []
        _group_scores = d.pop("groupScores")
        for group_scores_item_data in _group_scores:
            group_scores_item = CanaryJudgeGroupScore.from_dict(group_scores_item_data)

            group_scores.append(group_scores_item)

        judge_name = d.pop("judgeName")

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = CanaryAnalysisResult.from_dict(results_item_data)

            results.append(results_item)

        rollguard = JudgeVerdict.from_dict(d.pop("rollguard"))

        score = CanaryJudgeScore.from_dict(d.pop("score"))

        canary_judge_result = cls(
            group_scores=group_scores,
            judge_name=judge_name,
            results=results,
            rollguard=rollguard,
            score=score,
        )

        canary_judge_result.additional_properties = d
        return canary_judge_result

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
