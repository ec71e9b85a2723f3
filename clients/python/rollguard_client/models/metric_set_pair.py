from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metric_set_pair_tags_type_0 import MetricSetPairTagsType0
    from ..models.pair_scopes import PairScopes
    from ..models.pair_values import PairValues


T = TypeVar("T", bound="MetricSetPair")


@_attrs_define
class MetricSetPair:
    """Kayenta's `MetricSetPair`: one metric's control and experiment series.

    Attributes:
        id (None | str | Unset):
        name (None | str | Unset): The canary config metric's name.
        scopes (None | PairScopes | Unset):
        start_time_millis (int | None | Unset): The archival form in Kayenta's `json-formats.md` gives one scope for
            both series at the
            pair's top level; `scopes` wins.
        step_millis (int | None | Unset):
        tags (MetricSetPairTagsType0 | None | Unset):
        values (None | PairValues | Unset):
    """

    id: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    scopes: None | PairScopes | Unset = UNSET
    start_time_millis: int | None | Unset = UNSET
    step_millis: int | None | Unset = UNSET
    tags: MetricSetPairTagsType0 | None | Unset = UNSET
    values: None | PairValues | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.metric_set_pair_tags_type_0 import MetricSetPairTagsType0  # noqa: PLC0415
        from ..models.pair_scopes import PairScopes  # noqa: PLC0415
        from ..models.pair_values import PairValues  # noqa: PLC0415

        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        scopes: dict[str, Any] | None | Unset
        if isinstance(self.scopes, Unset):
            scopes = UNSET
        elif isinstance(self.scopes, PairScopes):
            scopes = self.scopes.to_dict()
        else:
            scopes = self.scopes

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

        tags: dict[str, Any] | None | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        elif isinstance(self.tags, MetricSetPairTagsType0):
            tags = self.tags.to_dict()
        else:
            tags = self.tags

        values: dict[str, Any] | None | Unset
        if isinstance(self.values, Unset):
            values = UNSET
        elif isinstance(self.values, PairValues):
            values = self.values.to_dict()
        else:
            values = self.values

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
        from ..models.metric_set_pair_tags_type_0 import MetricSetPairTagsType0  # noqa: PLC0415
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

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_scopes(data: object) -> None | PairScopes | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                scopes_type_0 = PairScopes.from_dict(data)

                return scopes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PairScopes | Unset, data)

        scopes = _parse_scopes(d.pop("scopes", UNSET))

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

        def _parse_tags(data: object) -> MetricSetPairTagsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                tags_type_0 = MetricSetPairTagsType0.from_dict(data)

                return tags_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MetricSetPairTagsType0 | None | Unset, data)

        tags = _parse_tags(d.pop("tags", UNSET))

        def _parse_values(data: object) -> None | PairValues | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                values_type_0 = PairValues.from_dict(data)

                return values_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PairValues | Unset, data)

        values = _parse_values(d.pop("values", UNSET))

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
