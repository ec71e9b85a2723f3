from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.template_set_spec_metrics import TemplateSetSpecMetrics


T = TypeVar("T", bound="TemplateSetSpec")


@_attrs_define
class TemplateSetSpec:
    """A template set as a request gives it (scope and target are in the path).

    Attributes:
        source (str):
        metrics (TemplateSetSpecMetrics | Unset): Per metric (`error_rate`, `latency_p99`, `conversion_rate`), per
            cohort (`canary`,
            `baseline`).
        preset (None | str | Unset): A shipped set of queries to start from: `http` (`http_requests_total` with a `code`
            label, `http_request_duration_seconds` histograms; see docs/integrations/prometheus.md).
            `metrics` entries replace the preset's, per metric and cohort. Example: http.
        step_seconds (int | None | Unset): One point per step, in seconds (default 60); `{{step}}` in the queries.
            Example: 60.
    """

    source: str
    metrics: TemplateSetSpecMetrics | Unset = UNSET
    preset: None | str | Unset = UNSET
    step_seconds: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        source = self.source

        metrics: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metrics, Unset):
            metrics = self.metrics.to_dict()

        preset: None | str | Unset
        if isinstance(self.preset, Unset):
            preset = UNSET
        else:
            preset = self.preset

        step_seconds: int | None | Unset
        if isinstance(self.step_seconds, Unset):
            step_seconds = UNSET
        else:
            step_seconds = self.step_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "source": source,
            }
        )
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if preset is not UNSET:
            field_dict["preset"] = preset
        if step_seconds is not UNSET:
            field_dict["step_seconds"] = step_seconds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.template_set_spec_metrics import TemplateSetSpecMetrics  # noqa: PLC0415

        d = dict(src_dict)
        source = d.pop("source")

        _metrics = d.pop("metrics", UNSET)
        metrics: TemplateSetSpecMetrics | Unset
        if isinstance(_metrics, Unset):
            metrics = UNSET
        else:
            metrics = TemplateSetSpecMetrics.from_dict(_metrics)

        def _parse_preset(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        preset = _parse_preset(d.pop("preset", UNSET))

        def _parse_step_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        step_seconds = _parse_step_seconds(d.pop("step_seconds", UNSET))

        template_set_spec = cls(
            source=source,
            metrics=metrics,
            preset=preset,
            step_seconds=step_seconds,
        )

        return template_set_spec
