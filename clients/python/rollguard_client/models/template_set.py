from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.template_scope import TemplateScope
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.template_set_metrics import TemplateSetMetrics


T = TypeVar("T", bound="TemplateSet")


@_attrs_define
class TemplateSet:
    """A stored template set.

    Attributes:
        metrics (TemplateSetMetrics): Per metric (`error_rate`, `latency_p99`, `conversion_rate`), per cohort.
        scope (TemplateScope): Where a template set applies; a narrower one wins, per metric and cohort: `deployment`
            over
            `service` over `environment`.
        source (str):
        step_seconds (int): The pull's step in seconds: one point per step, and `{{step}}` in the queries. Example: 60.
        target (str): The environment's name, the service's name or the deployment's key.
        updated_at (datetime.datetime | None | Unset):
    """

    metrics: TemplateSetMetrics
    scope: TemplateScope
    source: str
    step_seconds: int
    target: str
    updated_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        metrics = self.metrics.to_dict()

        scope = self.scope.value

        source = self.source

        step_seconds = self.step_seconds

        target = self.target

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
                "metrics": metrics,
                "scope": scope,
                "source": source,
                "step_seconds": step_seconds,
                "target": target,
            }
        )
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.template_set_metrics import TemplateSetMetrics  # noqa: PLC0415

        d = dict(src_dict)
        metrics = TemplateSetMetrics.from_dict(d.pop("metrics"))

        scope = TemplateScope(d.pop("scope"))

        source = d.pop("source")

        step_seconds = d.pop("step_seconds")

        target = d.pop("target")

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

        template_set = cls(
            metrics=metrics,
            scope=scope,
            source=source,
            step_seconds=step_seconds,
            target=target,
            updated_at=updated_at,
        )

        template_set.additional_properties = d
        return template_set

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
