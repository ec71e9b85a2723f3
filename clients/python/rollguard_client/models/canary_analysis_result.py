from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.metric_classification import MetricClassification
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.canary_analysis_result_tags import CanaryAnalysisResultTags
    from ..models.result_metadata import ResultMetadata
    from ..models.series_metadata import SeriesMetadata


T = TypeVar("T", bound="CanaryAnalysisResult")


@_attrs_define
class CanaryAnalysisResult:
    """`CanaryAnalysisResult`: one metric set pair's result.

    Attributes:
        classification (MetricClassification): Per-metric labels, as Kayenta's own judge writes them.
        classification_reason (str): The rule's message, or why the metric was not judged.
        control_metadata (SeriesMetadata): `{"stats": …}`, as Kayenta's standalone analysis reads it (`stats.count`).
        critical (bool): The rule judging this metric triggered: the canary fails on it alone.
        experiment_metadata (SeriesMetadata): `{"stats": …}`, as Kayenta's standalone analysis reads it (`stats.count`).
        groups (list[str]):
        muted (bool): Muted in the canary config: not judged.
        name (str):
        result_metadata (ResultMetadata): What rollguard adds about one metric: the rule that judged it and its report.
        tags (CanaryAnalysisResultTags):
        id (None | str | Unset):
    """

    classification: MetricClassification
    classification_reason: str
    control_metadata: SeriesMetadata
    critical: bool
    experiment_metadata: SeriesMetadata
    groups: list[str]
    muted: bool
    name: str
    result_metadata: ResultMetadata
    tags: CanaryAnalysisResultTags
    id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        classification = self.classification.value

        classification_reason = self.classification_reason

        control_metadata = self.control_metadata.to_dict()

        critical = self.critical

        experiment_metadata = self.experiment_metadata.to_dict()

        groups = self.groups

        muted = self.muted

        name = self.name

        result_metadata = self.result_metadata.to_dict()

        tags = self.tags.to_dict()

        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "classification": classification,
                "classificationReason": classification_reason,
                "controlMetadata": control_metadata,
                "critical": critical,
                "experimentMetadata": experiment_metadata,
                "groups": groups,
                "muted": muted,
                "name": name,
                "resultMetadata": result_metadata,
                "tags": tags,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.canary_analysis_result_tags import CanaryAnalysisResultTags  # noqa: PLC0415
        from ..models.result_metadata import ResultMetadata  # noqa: PLC0415
        from ..models.series_metadata import SeriesMetadata  # noqa: PLC0415

        d = dict(src_dict)
        classification = MetricClassification(d.pop("classification"))

        classification_reason = d.pop("classificationReason")

        control_metadata = SeriesMetadata.from_dict(d.pop("controlMetadata"))

        critical = d.pop("critical")

        experiment_metadata = SeriesMetadata.from_dict(d.pop("experimentMetadata"))

        groups = cast(list[str], d.pop("groups"))

        muted = d.pop("muted")

        name = d.pop("name")

        result_metadata = ResultMetadata.from_dict(d.pop("resultMetadata"))

        tags = CanaryAnalysisResultTags.from_dict(d.pop("tags"))

        def _parse_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        id = _parse_id(d.pop("id", UNSET))

        canary_analysis_result = cls(
            classification=classification,
            classification_reason=classification_reason,
            control_metadata=control_metadata,
            critical=critical,
            experiment_metadata=experiment_metadata,
            groups=groups,
            muted=muted,
            name=name,
            result_metadata=result_metadata,
            tags=tags,
            id=id,
        )

        canary_analysis_result.additional_properties = d
        return canary_analysis_result

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
