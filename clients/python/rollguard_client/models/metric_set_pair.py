from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metric_set_pair_tags import MetricSetPairTags
    from ..models.pair_scopes import PairScopes
    from ..models.pair_values import PairValues


T = TypeVar("T", bound="MetricSetPair")


@_attrs_define
class MetricSetPair:
    """Kayenta's `MetricSetPair`: one metric's control and experiment series.

    Attributes:
        id (None | str | Unset):
        name (str | Unset): The canary config metric's name.
        scopes (PairScopes | Unset): Where each series sits in time.
        start_time_millis (int | None | Unset): The archival form in Kayenta's `json-formats.md` gives one scope for
            both series at the
            pair's top level; `scopes` wins.
        step_millis (int | None | Unset):
        tags (MetricSetPairTags | Unset):
        values (PairValues | Unset): The two series, oldest first; a missing point is `"NaN"` or `null`.
    """

    id: None | str | Unset = UNSET
    name: str | Unset = UNSET
    scopes: PairScopes | Unset = UNSET
    start_time_millis: int | None | Unset = UNSET
    step_millis: int | None | Unset = UNSET
    tags: MetricSetPairTags | Unset = UNSET
    values: PairValues | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id

        name = self.name

        scopes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = self.scopes.to_dict()

        start_time_millis: int | None | Unset
        if isinstance(self.start_time_millis, Unset):
            start_time_millis = UNSET
        else:
            start_time_millis = self.start_time_millis

        step_millis: int | None | Unset
        if isinstance(self.step_millis, Unset):
            step_millis = UNSET
        else:
            step_millis = self.step_millis

        tags: dict[str, Any] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags.to_dict()

        values: dict[str, Any] | Unset = UNSET
        if not isinstance(self.values, Unset):
            values = self.values.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if start_time_millis is not UNSET:
            field_dict["startTimeMillis"] = start_time_millis
        if step_millis is not UNSET:
            field_dict["stepMillis"] = step_millis
        if tags is not UNSET:
            field_dict["tags"] = tags
        if values is not UNSET:
            field_dict["values"] = values

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.metric_set_pair_tags import MetricSetPairTags  # noqa: PLC0415
        from ..models.pair_scopes import PairScopes  # noqa: PLC0415
        from ..models.pair_values import PairValues  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        id = _parse_id(d.pop("id", UNSET))

        name = d.pop("name", UNSET)

        _scopes = d.pop("scopes", UNSET)
        scopes: PairScopes | Unset
        if isinstance(_scopes, Unset):
            scopes = UNSET
        else:
            scopes = PairScopes.from_dict(_scopes)

        def _parse_start_time_millis(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        start_time_millis = _parse_start_time_millis(d.pop("startTimeMillis", UNSET))

        def _parse_step_millis(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        step_millis = _parse_step_millis(d.pop("stepMillis", UNSET))

        _tags = d.pop("tags", UNSET)
        tags: MetricSetPairTags | Unset
        if isinstance(_tags, Unset):
            tags = UNSET
        else:
            tags = MetricSetPairTags.from_dict(_tags)

        _values = d.pop("values", UNSET)
        values: PairValues | Unset
        if isinstance(_values, Unset):
            values = UNSET
        else:
            values = PairValues.from_dict(_values)

        metric_set_pair = cls(
            id=id,
            name=name,
            scopes=scopes,
            start_time_millis=start_time_millis,
            step_millis=step_millis,
            tags=tags,
            values=values,
        )

        metric_set_pair.additional_properties = d
        return metric_set_pair

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
