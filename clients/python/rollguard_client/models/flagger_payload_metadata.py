from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="FlaggerPayloadMetadata")


@_attrs_define
class FlaggerPayloadMetadata:
    """`spec.analysis.webhooks[].metadata`. rollguard reads `deployment` (the deployment key; wins
    over the namespace/name mapping), `policy` (a policy name), and `canary_weight` /
    `max_weight` (for a step recommendation).

        Attributes:
            canary_weight (str | Unset):
            deployment (str | Unset):
            max_weight (str | Unset):
            policy (str | Unset):
    """

    canary_weight: str | Unset = UNSET
    deployment: str | Unset = UNSET
    max_weight: str | Unset = UNSET
    policy: str | Unset = UNSET
    additional_properties: dict[str, str] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        canary_weight = self.canary_weight

        deployment = self.deployment

        max_weight = self.max_weight

        policy = self.policy

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if canary_weight is not UNSET:
            field_dict["canary_weight"] = canary_weight
        if deployment is not UNSET:
            field_dict["deployment"] = deployment
        if max_weight is not UNSET:
            field_dict["max_weight"] = max_weight
        if policy is not UNSET:
            field_dict["policy"] = policy

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        canary_weight = d.pop("canary_weight", UNSET)

        deployment = d.pop("deployment", UNSET)

        max_weight = d.pop("max_weight", UNSET)

        policy = d.pop("policy", UNSET)

        flagger_payload_metadata = cls(
            canary_weight=canary_weight,
            deployment=deployment,
            max_weight=max_weight,
            policy=policy,
        )

        flagger_payload_metadata.additional_properties = d
        return flagger_payload_metadata

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> str:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: str) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
