from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PartialPolicyKayentaErrorRate")


@_attrs_define
class PartialPolicyKayentaErrorRate:
    """Which metric set pairs one rule judges, and how their values convert to the rule's unit.

    Attributes:
        groups (list[str] | Unset): Canary-config groups (`metrics[].groups`): a metric in one of them is judged by this
            rule, unless its name maps it elsewhere.
        metrics (list[str] | Unset): Kayenta metric names (the canary config's `metrics[].name`, which names each pair)
            judged by this rule. A name match wins over a group match.
        scale (float | Unset): Every value is multiplied by this before it is checked and judged: 100 turns an error
            ratio (0–1) into the percent `error_rate` is read in, 1000 seconds into milliseconds. Example: 100.
    """

    groups: list[str] | Unset = UNSET
    metrics: list[str] | Unset = UNSET
    scale: float | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        groups: list[str] | Unset = UNSET
        if not isinstance(self.groups, Unset):
            groups = self.groups

        metrics: list[str] | Unset = UNSET
        if not isinstance(self.metrics, Unset):
            metrics = self.metrics

        scale = self.scale

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if groups is not UNSET:
            field_dict["groups"] = groups
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if scale is not UNSET:
            field_dict["scale"] = scale

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        groups = cast(list[str], d.pop("groups", UNSET))

        metrics = cast(list[str], d.pop("metrics", UNSET))

        scale = d.pop("scale", UNSET)

        partial_policy_kayenta_error_rate = cls(
            groups=groups,
            metrics=metrics,
            scale=scale,
        )

        return partial_policy_kayenta_error_rate
