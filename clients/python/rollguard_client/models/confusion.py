from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Confusion")


@_attrs_define
class Confusion:
    """Deployments by what the policy said and what really happened. An incident is a deployment
    whose outcome is `rolled_back`; a healthy one was `promoted`.

        Attributes:
            fn (int): Incidents the policy let through.
            fp (int): Healthy deployments the policy rolled back (false rollbacks).
            tn (int): Healthy deployments the policy let through.
            tp (int): Incidents the policy rolled back.
    """

    fn: int
    fp: int
    tn: int
    tp: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        fn = self.fn

        fp = self.fp

        tn = self.tn

        tp = self.tp

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "fn": fn,
                "fp": fp,
                "tn": tn,
                "tp": tp,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        fn = d.pop("fn")

        fp = d.pop("fp")

        tn = d.pop("tn")

        tp = d.pop("tp")

        confusion = cls(
            fn=fn,
            fp=fp,
            tn=tn,
            tp=tp,
        )

        confusion.additional_properties = d
        return confusion

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
