from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="GateOptions")


@_attrs_define
class GateOptions:
    """Options for yes/no hooks (Flagger's `rollout` webhook).

    Attributes:
        pass_inconclusive (bool): Let an `inconclusive` verdict through the gate (HTTP 200). Off by default: a gate
            opens
            only on `pass`, so a canary with no data yet is held (Flagger counts a failed check).
    """

    pass_inconclusive: bool

    def to_dict(self) -> dict[str, Any]:
        pass_inconclusive = self.pass_inconclusive

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "pass_inconclusive": pass_inconclusive,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        pass_inconclusive = d.pop("pass_inconclusive")

        gate_options = cls(
            pass_inconclusive=pass_inconclusive,
        )

        return gate_options
