from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.source_auth import SourceAuth


T = TypeVar("T", bound="SourceSpec")


@_attrs_define
class SourceSpec:
    """A source as a request gives it (the name is in the path).

    Attributes:
        url (str): `http://host:port`, optionally with a path prefix; no credentials in it. Example:
            http://prometheus.monitoring:9090.
        auth (None | SourceAuth | Unset):
        timeout_ms (int | None | Unset): Longest one request to the source may take, in milliseconds (default 5000).
            Keep it
            well below the server's `--request-timeout`. Example: 5000.
    """

    url: str
    auth: None | SourceAuth | Unset = UNSET
    timeout_ms: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.source_auth import SourceAuth  # noqa: PLC0415

        url = self.url

        auth: dict[str, Any] | None | Unset
        if isinstance(self.auth, Unset):
            auth = UNSET
        elif isinstance(self.auth, SourceAuth):
            auth = self.auth.to_dict()
        else:
            auth = self.auth

        timeout_ms: int | None | Unset
        if isinstance(self.timeout_ms, Unset):
            timeout_ms = UNSET
        else:
            timeout_ms = self.timeout_ms

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "url": url,
            }
        )
        if auth is not UNSET:
            field_dict["auth"] = auth
        if timeout_ms is not UNSET:
            field_dict["timeout_ms"] = timeout_ms

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.source_auth import SourceAuth  # noqa: PLC0415

        d = dict(src_dict)
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

        def _parse_timeout_ms(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        timeout_ms = _parse_timeout_ms(d.pop("timeout_ms", UNSET))

        source_spec = cls(
            url=url,
            auth=auth,
            timeout_ms=timeout_ms,
        )

        return source_spec
