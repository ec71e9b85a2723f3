from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorDetail")


@_attrs_define
class ErrorDetail:
    """What went wrong: a stable code for programs, a sentence for people, and context.

    Attributes:
        code (str): Stable machine-readable code. 400: `invalid_body`, `invalid_json`, `invalid_point`,
            `invalid_input`, `invalid_query`, `invalid_path`, `invalid_key`, `invalid_name`,
            `unknown_policy`, `invalid_policy`; 401: `unauthorized`, `invalid_token`; 403:
            `insufficient_scope`; 404: `not_found`, `route_not_found`; 405: `method_not_allowed`;
            408: `request_timeout`; 409: `policy_read_only`, `conflict`; 412 (Flagger hooks): `verdict_rollback`,
            `verdict_inconclusive`, `no_rollback`; 413: `payload_too_large`, `batch_too_large`; 415:
            `unsupported_media_type`; 421 (a server without tokens, asked for a host it does not answer):
            `misdirected_request`; 424 (saving a template set whose source cannot be asked: down,
            timed out, credentials refused): `source_unavailable`; 500: `internal`; 503:
            `store_unavailable`, `overloaded`. 400 for templates: `invalid_template` (placeholders),
            `template_rejected` (with Prometheus's own message). New
            codes may be added: treat an unknown one by its HTTP status. Example: invalid_point.
        message (str): For people; the wording may change. Example: points[3]: value -1 is negative.
        details (Any | Unset): Structured context, when there is some: e.g. `{"index": 3, "field": "points[3].value"}`
            for a bad point, `{"field": "metrics.error_rate[2]"}` for a bad document value, or
            `{"verdict": {...}}` (the whole verdict) on a Flagger hook's 412.
    """

    code: str
    message: str
    details: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        details = self.details

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
            }
        )
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        details = d.pop("details", UNSET)

        error_detail = cls(
            code=code,
            message=message,
            details=details,
        )

        error_detail.additional_properties = d
        return error_detail

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
