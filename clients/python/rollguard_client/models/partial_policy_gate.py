from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PartialPolicyGate")


@_attrs_define
class PartialPolicyGate:
    """How hook endpoints that must answer yes or no treat an `inconclusive` verdict.

    Attributes:
        pass_inconclusive (bool | Unset): Let an `inconclusive` verdict through the gate (HTTP 200). Off by default: a
            gate opens
            only on `pass`, so a canary with no data yet is held (Flagger counts a failed check).
    """

    pass_inconclusive: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        pass_inconclusive = self.pass_inconclusive

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if pass_inconclusive is not UNSET:
            field_dict["pass_inconclusive"] = pass_inconclusive

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        pass_inconclusive = d.pop("pass_inconclusive", UNSET)

        partial_policy_gate = cls(
            pass_inconclusive=pass_inconclusive,
        )

        return partial_policy_gate
