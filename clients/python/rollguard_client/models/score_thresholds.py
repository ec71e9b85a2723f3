from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ScoreThresholds")


@_attrs_define
class ScoreThresholds:
    """`CanaryClassifierThresholdsConfig`: scores on a 0–100 scale.

    Attributes:
        marginal (float | None | Unset): A score at or below it fails (Kayenta's standalone analysis stops there).
            Example: 75.0.
        pass_ (float | None | Unset): A score at or above it passes. Example: 95.0.
    """

    marginal: float | None | Unset = UNSET
    pass_: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        marginal: float | None | Unset
        if isinstance(self.marginal, Unset):
            marginal = UNSET
        else:
            marginal = self.marginal

        pass_: float | None | Unset
        if isinstance(self.pass_, Unset):
            pass_ = UNSET
        else:
            pass_ = self.pass_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if marginal is not UNSET:
            field_dict["marginal"] = marginal
        if pass_ is not UNSET:
            field_dict["pass"] = pass_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_marginal(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        marginal = _parse_marginal(d.pop("marginal", UNSET))

        def _parse_pass_(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        pass_ = _parse_pass_(d.pop("pass", UNSET))

        score_thresholds = cls(
            marginal=marginal,
            pass_=pass_,
        )

        score_thresholds.additional_properties = d
        return score_thresholds

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
