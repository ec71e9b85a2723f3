from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Persistence")


@_attrs_define
class Persistence:
    """ "At least `required` of the last `of` points beyond the limit": a rule fires on a sustained
    change, not on one unlucky point.

        Attributes:
            of (int):
            required (int):
    """

    of: int
    required: int

    def to_dict(self) -> dict[str, Any]:
        of = self.of

        required = self.required

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "of": of,
                "required": required,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        of = d.pop("of")

        required = d.pop("required")

        persistence = cls(
            of=of,
            required=required,
        )

        return persistence
