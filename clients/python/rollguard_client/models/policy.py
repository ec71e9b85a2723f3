from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.gate_options import GateOptions
    from ..models.kayenta_mapping import KayentaMapping
    from ..models.rules import Rules


T = TypeVar("T", bound="Policy")


@_attrs_define
class Policy:
    """Rule parameters for one policy.

    Attributes:
        rules (Rules): One entry per rule; a rule with `enabled: false` is not run and not reported.
        alpha (float | Unset): For rules with a `compare` section: the chance that a canary that is no worse than its
            baseline is *ever* rolled back, however often it is asked, spent equally across the
            enabled rules (Bonferroni). Between 0 and 0.5. Example: 0.01.
        gate (GateOptions | Unset): Options for yes/no hooks (Flagger's `rollout` webhook).
        kayenta (KayentaMapping | Unset): A policy's `kayenta` section: which of Kayenta's metrics each rule judges.
    """

    rules: Rules
    alpha: float | Unset = UNSET
    gate: GateOptions | Unset = UNSET
    kayenta: KayentaMapping | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        rules = self.rules.to_dict()

        alpha = self.alpha

        gate: dict[str, Any] | Unset = UNSET
        if not isinstance(self.gate, Unset):
            gate = self.gate.to_dict()

        kayenta: dict[str, Any] | Unset = UNSET
        if not isinstance(self.kayenta, Unset):
            kayenta = self.kayenta.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "rules": rules,
            }
        )
        if alpha is not UNSET:
            field_dict["alpha"] = alpha
        if gate is not UNSET:
            field_dict["gate"] = gate
        if kayenta is not UNSET:
            field_dict["kayenta"] = kayenta

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.gate_options import GateOptions  # noqa: PLC0415
        from ..models.kayenta_mapping import KayentaMapping  # noqa: PLC0415
        from ..models.rules import Rules  # noqa: PLC0415

        d = dict(src_dict)
        rules = Rules.from_dict(d.pop("rules"))

        alpha = d.pop("alpha", UNSET)

        _gate = d.pop("gate", UNSET)
        gate: GateOptions | Unset
        if isinstance(_gate, Unset):
            gate = UNSET
        else:
            gate = GateOptions.from_dict(_gate)

        _kayenta = d.pop("kayenta", UNSET)
        kayenta: KayentaMapping | Unset
        if isinstance(_kayenta, Unset):
            kayenta = UNSET
        else:
            kayenta = KayentaMapping.from_dict(_kayenta)

        policy = cls(
            rules=rules,
            alpha=alpha,
            gate=gate,
            kayenta=kayenta,
        )

        return policy
