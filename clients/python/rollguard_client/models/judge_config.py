from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.judge_configurations import JudgeConfigurations


T = TypeVar("T", bound="JudgeConfig")


@_attrs_define
class JudgeConfig:
    """`CanaryJudgeConfig`: the judge's name and its free-form configuration.

    Attributes:
        judge_configurations (JudgeConfigurations | None | Unset):
        name (None | str | Unset):  Example: RemoteJudge-v1.0.
    """

    judge_configurations: JudgeConfigurations | None | Unset = UNSET
    name: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.judge_configurations import JudgeConfigurations  # noqa: PLC0415

        judge_configurations: dict[str, Any] | None | Unset
        if isinstance(self.judge_configurations, Unset):
            judge_configurations = UNSET
        elif isinstance(self.judge_configurations, JudgeConfigurations):
            judge_configurations = self.judge_configurations.to_dict()
        else:
            judge_configurations = self.judge_configurations

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if judge_configurations is not UNSET:
            field_dict["judgeConfigurations"] = judge_configurations
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.judge_configurations import JudgeConfigurations  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_judge_configurations(data: object) -> JudgeConfigurations | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                judge_configurations_type_0 = JudgeConfigurations.from_dict(data)

                return judge_configurations_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JudgeConfigurations | None | Unset, data)

        judge_configurations = _parse_judge_configurations(d.pop("judgeConfigurations", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        judge_config = cls(
            judge_configurations=judge_configurations,
            name=name,
        )

        judge_config.additional_properties = d
        return judge_config

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
