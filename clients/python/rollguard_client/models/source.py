from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.source_auth import SourceAuth


T = TypeVar("T", bound="Source")


@_attrs_define
class Source:
    """A stored source. `auth` holds where the secret is (an environment variable's name or a
    file's path), never the secret.

        Attributes:
            name (str):
            timeout_ms (int): Longest one request to the source may take, in milliseconds. Example: 5000.
            url (str): The Prometheus server's base URL: `http://host:port`, optionally with a path prefix. Example:
                http://prometheus.monitoring:9090.
            auth (None | SourceAuth | Unset):
            updated_at (datetime.datetime | None | Unset): Set by the store when written.
    """

    name: str
    timeout_ms: int
    url: str
    auth: None | SourceAuth | Unset = UNSET
    updated_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.source_auth import SourceAuth  # noqa: PLC0415

        name = self.name

        timeout_ms = self.timeout_ms

        url = self.url

        auth: dict[str, Any] | None | Unset
        if isinstance(self.auth, Unset):
            auth = UNSET
        elif isinstance(self.auth, SourceAuth):
            auth = self.auth.to_dict()
        else:
            auth = self.auth

        updated_at: None | str | Unset
        if isinstance(self.updated_at, Unset):
            updated_at = UNSET
        elif isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "timeout_ms": timeout_ms,
                "url": url,
            }
        )
        if auth is not UNSET:
            field_dict["auth"] = auth
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.source_auth import SourceAuth  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        timeout_ms = d.pop("timeout_ms")

        url = d.pop("url")

        def _parse_auth(data: object) -> None | SourceAuth | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                auth_type_0 = SourceAuth.from_dict(data)

                return auth_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SourceAuth | Unset, data)

        auth = _parse_auth(d.pop("auth", UNSET))

        def _parse_updated_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        updated_at = _parse_updated_at(d.pop("updated_at", UNSET))

        source = cls(
            name=name,
            timeout_ms=timeout_ms,
            url=url,
            auth=auth,
            updated_at=updated_at,
        )

        source.additional_properties = d
        return source

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
