from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.metric_mapping import MetricMapping


T = TypeVar("T", bound="KayentaMapping")


@_attrs_define
class KayentaMapping:
    """A policy's `kayenta` section: which of Kayenta's metrics each rule judges.

    Attributes:
        conversion (MetricMapping): Which metric set pairs one rule judges, and how their values convert to the rule's
            unit.
        error_rate (MetricMapping): Which metric set pairs one rule judges, and how their values convert to the rule's
            unit.
        latency (MetricMapping): Which metric set pairs one rule judges, and how their values convert to the rule's
            unit.
    """

    conversion: MetricMapping
    error_rate: MetricMapping
    latency: MetricMapping

    def to_dict(self) -> dict[str, Any]:
        conversion = self.conversion.to_dict()

        error_rate = self.error_rate.to_dict()

        latency = self.latency.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "conversion": conversion,
                "error_rate": error_rate,
                "latency": latency,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.metric_mapping import MetricMapping  # noqa: PLC0415

        d = dict(src_dict)
        conversion = MetricMapping.from_dict(d.pop("conversion"))

        error_rate = MetricMapping.from_dict(d.pop("error_rate"))

        latency = MetricMapping.from_dict(d.pop("latency"))

        kayenta_mapping = cls(
            conversion=conversion,
            error_rate=error_rate,
            latency=latency,
        )

        return kayenta_mapping
