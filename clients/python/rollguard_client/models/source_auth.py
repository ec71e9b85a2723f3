from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.auth_kind import AuthKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="SourceAuth")


@_attrs_define
class SourceAuth:
    """How rollguard authenticates to a source. `secret_env` or `secret_file` (exactly one) names
    where the token or password is; the secret itself is never stored or returned.

        Attributes:
            type_ (AuthKind):
            secret_env (None | str | Unset): The environment variable (of the rollguard process) holding the token or
                password; its
                name starts with `ROLLGUARD_SECRET_`. Example: PROMETHEUS_TOKEN.
            secret_file (None | str | Unset): A file holding the token or password (one trailing newline is ignored), read
                at each
                request so a rotated secret is picked up. It must lie inside the server's
                `--source-secrets-dir` (symbolic links resolved). Example: /var/run/secrets/prometheus/token.
            username (None | str | Unset): Basic auth's user name (not a secret); required for `basic`, refused for
                `bearer`. Example: rollguard.
    """

    type_: AuthKind
    secret_env: None | str | Unset = UNSET
    secret_file: None | str | Unset = UNSET
    username: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        secret_env: None | str | Unset
        if isinstance(self.secret_env, Unset):
            secret_env = UNSET
        else:
            secret_env = self.secret_env

        secret_file: None | str | Unset
        if isinstance(self.secret_file, Unset):
            secret_file = UNSET
        else:
            secret_file = self.secret_file

        username: None | str | Unset
        if isinstance(self.username, Unset):
            username = UNSET
        else:
            username = self.username

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
            }
        )
        if secret_env is not UNSET:
            field_dict["secret_env"] = secret_env
        if secret_file is not UNSET:
            field_dict["secret_file"] = secret_file
        if username is not UNSET:
            field_dict["username"] = username

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = AuthKind(d.pop("type"))

        def _parse_secret_env(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret_env = _parse_secret_env(d.pop("secret_env", UNSET))

        def _parse_secret_file(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret_file = _parse_secret_file(d.pop("secret_file", UNSET))

        def _parse_username(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        username = _parse_username(d.pop("username", UNSET))

        source_auth = cls(
            type_=type_,
            secret_env=secret_env,
            secret_file=secret_file,
            username=username,
        )

        return source_auth
