from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="EnvironmentRequest")


@_attrs_define
class EnvironmentRequest:
    """The policy to set as an environment's default: `policy` names a built-in or stored policy.

    Attributes:
        policy (str):
    """

    policy: str

    def to_dict(self) -> dict[str, Any]:
        policy = self.policy

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "policy": policy,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        policy = d.pop("policy")

        environment_request = cls(
            policy=policy,
        )

        return environment_request
