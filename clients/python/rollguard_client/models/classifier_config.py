from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.score_thresholds import ScoreThresholds


T = TypeVar("T", bound="ClassifierConfig")


@_attrs_define
class ClassifierConfig:
    """`CanaryClassifierConfig`: rollguard reads only its `scoreThresholds`.

    Attributes:
        score_thresholds (None | ScoreThresholds | Unset):
    """

    score_thresholds: None | ScoreThresholds | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.score_thresholds import ScoreThresholds  # noqa: PLC0415

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
        if score_thresholds is not UNSET:
            field_dict["scoreThresholds"] = score_thresholds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.score_thresholds import ScoreThresholds  # noqa: PLC0415

        d = dict(src_dict)

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

        classifier_config = cls(
            score_thresholds=score_thresholds,
        )

        classifier_config.additional_properties = d
        return classifier_config

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
