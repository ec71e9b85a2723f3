from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="PartialPolicyRulesLatencyPersistenceType0")


@_attrs_define
class PartialPolicyRulesLatencyPersistenceType0:
    """Fire when this many of the last points are above the limit; null (the seed) tests the
    last point only.

        Attributes:
            of (int):
            required (int):
    """

    of: int
    required: int

    def to_dict(self) -> dict[str, Any]:
        of = self.of

        required = self.required

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "of": of,
                "required": required,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        of = d.pop("of")

        required = d.pop("required")

        partial_policy_rules_latency_persistence_type_0 = cls(
            of=of,
            required=required,
        )

        return partial_policy_rules_latency_persistence_type_0
