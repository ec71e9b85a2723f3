from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.partial_policy_rules_conversion_compare_type_0 import PartialPolicyRulesConversionCompareType0
    from ..models.partial_policy_rules_conversion_persistence_type_0 import PartialPolicyRulesConversionPersistenceType0


T = TypeVar("T", bound="PartialPolicyRulesConversion")


@_attrs_define
class PartialPolicyRulesConversion:
    """Conversion drop: the mean of the last `window` conversion points is below `min_ratio` × baseline.
    The baseline is `baseline.conversion_rate` when given, else the mean of the baseline cohort's
    conversion points, else the mean of the pre-deployment points.

        Attributes:
            compare (None | PartialPolicyRulesConversionCompareType0 | Unset):
            enabled (bool | Unset):
            min_ratio (float | Unset):
            persistence (None | PartialPolicyRulesConversionPersistenceType0 | Unset):
            required (bool | Unset): As for `error_rate`.
            window (int | Unset):
    """

    compare: None | PartialPolicyRulesConversionCompareType0 | Unset = UNSET
    enabled: bool | Unset = UNSET
    min_ratio: float | Unset = UNSET
    persistence: None | PartialPolicyRulesConversionPersistenceType0 | Unset = UNSET
    required: bool | Unset = UNSET
    window: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.partial_policy_rules_conversion_compare_type_0 import PartialPolicyRulesConversionCompareType0  # noqa: PLC0415
        from ..models.partial_policy_rules_conversion_persistence_type_0 import (
            PartialPolicyRulesConversionPersistenceType0,  # noqa: PLC0415
        )

        compare: dict[str, Any] | None | Unset
        if isinstance(self.compare, Unset):
            compare = UNSET
        elif isinstance(self.compare, PartialPolicyRulesConversionCompareType0):
            compare = self.compare.to_dict()
        else:
            compare = self.compare

        enabled = self.enabled

        min_ratio = self.min_ratio

        persistence: dict[str, Any] | None | Unset
        if isinstance(self.persistence, Unset):
            persistence = UNSET
        elif isinstance(self.persistence, PartialPolicyRulesConversionPersistenceType0):
            persistence = self.persistence.to_dict()
        else:
            persistence = self.persistence

        required = self.required

        window = self.window

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if compare is not UNSET:
            field_dict["compare"] = compare
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if min_ratio is not UNSET:
            field_dict["min_ratio"] = min_ratio
        if persistence is not UNSET:
            field_dict["persistence"] = persistence
        if required is not UNSET:
            field_dict["required"] = required
        if window is not UNSET:
            field_dict["window"] = window

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.partial_policy_rules_conversion_compare_type_0 import PartialPolicyRulesConversionCompareType0  # noqa: PLC0415
        from ..models.partial_policy_rules_conversion_persistence_type_0 import (
            PartialPolicyRulesConversionPersistenceType0,  # noqa: PLC0415
        )

        d = dict(src_dict)

        def _parse_compare(data: object) -> None | PartialPolicyRulesConversionCompareType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                compare_type_0 = PartialPolicyRulesConversionCompareType0.from_dict(data)

                return compare_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PartialPolicyRulesConversionCompareType0 | Unset, data)

        compare = _parse_compare(d.pop("compare", UNSET))

        enabled = d.pop("enabled", UNSET)

        min_ratio = d.pop("min_ratio", UNSET)

        def _parse_persistence(data: object) -> None | PartialPolicyRulesConversionPersistenceType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                persistence_type_0 = PartialPolicyRulesConversionPersistenceType0.from_dict(data)

                return persistence_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PartialPolicyRulesConversionPersistenceType0 | Unset, data)

        persistence = _parse_persistence(d.pop("persistence", UNSET))

        required = d.pop("required", UNSET)

        window = d.pop("window", UNSET)

        partial_policy_rules_conversion = cls(
            compare=compare,
            enabled=enabled,
            min_ratio=min_ratio,
            persistence=persistence,
            required=required,
            window=window,
        )

        return partial_policy_rules_conversion
