from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="MetricMapping")


@_attrs_define
class MetricMapping:
    """Which metric set pairs one rule judges, and how their values convert to the rule's unit.

    Attributes:
        groups (list[str]): Canary-config groups (`metrics[].groups`): a metric in one of them is judged by this
            rule, unless its name maps it elsewhere.
        metrics (list[str]): Kayenta metric names (the canary config's `metrics[].name`, which names each pair)
            judged by this rule. A name match wins over a group match.
        scale (float): Every value is multiplied by this before it is checked and judged: 100 turns an error
            ratio (0–1) into the percent `error_rate` is read in, 1000 seconds into milliseconds. Example: 100.
    """

    groups: list[str]
    metrics: list[str]
    scale: float

    def to_dict(self) -> dict[str, Any]:
        groups = self.groups

        metrics = self.metrics

        scale = self.scale

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "groups": groups,
                "metrics": metrics,
                "scale": scale,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        groups = cast(list[str], d.pop("groups"))

        metrics = cast(list[str], d.pop("metrics"))

        scale = d.pop("scale")

        metric_mapping = cls(
            groups=groups,
            metrics=metrics,
            scale=scale,
        )

        return metric_mapping
