from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="BaselineValues")


@_attrs_define
class BaselineValues:
    """Explicit baseline values.

    Attributes:
        conversion_rate (float | None | Unset): Baseline conversion rate, a fraction 0–1. Example: 0.031.
    """

    conversion_rate: float | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        conversion_rate: float | None | Unset
        if isinstance(self.conversion_rate, Unset):
            conversion_rate = UNSET
        else:
            conversion_rate = self.conversion_rate

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if conversion_rate is not UNSET:
            field_dict["conversion_rate"] = conversion_rate

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_conversion_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        conversion_rate = _parse_conversion_rate(d.pop("conversion_rate", UNSET))

        baseline_values = cls(
            conversion_rate=conversion_rate,
        )

        return baseline_values
