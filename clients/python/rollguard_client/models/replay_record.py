from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.replay_status import ReplayStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.replay_progress import ReplayProgress
    from ..models.replay_report import ReplayReport


T = TypeVar("T", bound="ReplayRecord")


@_attrs_define
class ReplayRecord:
    """A replay run started over HTTP, as stored.

    Attributes:
        created_at (datetime.datetime):
        id (int):
        policies (list[str]): Policy names, in the order given.
        progress (ReplayProgress): Deployments replayed so far, of how many (known once the input is listed).
        status (ReplayStatus): Where a replay run started over HTTP stands.
        error (None | str | Unset): Why the run failed.
        finished_at (datetime.datetime | None | Unset):
        result (None | ReplayReport | Unset):
    """

    created_at: datetime.datetime
    id: int
    policies: list[str]
    progress: ReplayProgress
    status: ReplayStatus
    error: None | str | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    result: None | ReplayReport | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.replay_report import ReplayReport  # noqa: PLC0415

        created_at = self.created_at.isoformat()

        id = self.id

        policies = self.policies

        progress = self.progress.to_dict()

        status = self.status.value

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        elif isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        result: dict[str, Any] | None | Unset
        if isinstance(self.result, Unset):
            result = UNSET
        elif isinstance(self.result, ReplayReport):
            result = self.result.to_dict()
        else:
            result = self.result

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "id": id,
                "policies": policies,
                "progress": progress,
                "status": status,
            }
        )
        if error is not UNSET:
            field_dict["error"] = error
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if result is not UNSET:
            field_dict["result"] = result

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.replay_progress import ReplayProgress  # noqa: PLC0415
        from ..models.replay_report import ReplayReport  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        policies = cast(list[str], d.pop("policies"))

        progress = ReplayProgress.from_dict(d.pop("progress"))

        status = ReplayStatus(d.pop("status"))

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_finished_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        finished_at = _parse_finished_at(d.pop("finished_at", UNSET))

        def _parse_result(data: object) -> None | ReplayReport | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                result_type_0 = ReplayReport.from_dict(data)

                return result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReplayReport | Unset, data)

        result = _parse_result(d.pop("result", UNSET))

        replay_record = cls(
            created_at=created_at,
            id=id,
            policies=policies,
            progress=progress,
            status=status,
            error=error,
            finished_at=finished_at,
            result=result,
        )

        replay_record.additional_properties = d
        return replay_record

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
