from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="StoredPoint")


@_attrs_define
class StoredPoint:
    """One stored point. Named `StoredPoint` in the API document: `SeriesPoint` is the evaluation
    document's (a number or a `{ts, value}`), and one name would silently replace the other.

        Attributes:
            ts (datetime.datetime):
            value (float):
            count (int | Unset): The number of requests (sessions, for `conversion_rate`) behind the value; absent when
                the point was stored without one.
    """

    ts: datetime.datetime
    value: float
    count: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ts = self.ts.isoformat()

        value = self.value

        count = self.count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ts": ts,
                "value": value,
            }
        )
        if count is not UNSET:
            field_dict["count"] = count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ts = datetime.datetime.fromisoformat(d.pop("ts"))

        value = d.pop("value")

        count = d.pop("count", UNSET)

        stored_point = cls(
            ts=ts,
            value=value,
            count=count,
        )

        stored_point.additional_properties = d
        return stored_point

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
