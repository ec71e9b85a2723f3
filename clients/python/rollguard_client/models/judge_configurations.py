from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.partial_policy import PartialPolicy


T = TypeVar("T", bound="JudgeConfigurations")


@_attrs_define
class JudgeConfigurations:
    """What rollguard reads of `judgeConfigurations`.

    Attributes:
        policy (None | PartialPolicy | str | Unset):
    """

    policy: None | PartialPolicy | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.partial_policy import PartialPolicy  # noqa: PLC0415

        policy: dict[str, Any] | None | str | Unset
        if isinstance(self.policy, Unset):
            policy = UNSET
        elif isinstance(self.policy, PartialPolicy):
            policy = self.policy.to_dict()
        else:
            policy = self.policy

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if policy is not UNSET:
            field_dict["policy"] = policy

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.partial_policy import PartialPolicy  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_policy(data: object) -> None | PartialPolicy | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_policy_spec_type_1 = PartialPolicy.from_dict(data)

                return componentsschemas_policy_spec_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PartialPolicy | str | Unset, data)

        policy = _parse_policy(d.pop("policy", UNSET))

        judge_configurations = cls(
            policy=policy,
        )

        judge_configurations.additional_properties = d
        return judge_configurations

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
