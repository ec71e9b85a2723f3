from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.partial_policy_extends import PartialPolicyExtends
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.partial_policy_gate import PartialPolicyGate
    from ..models.partial_policy_kayenta import PartialPolicyKayenta
    from ..models.partial_policy_rules import PartialPolicyRules


T = TypeVar("T", bound="PartialPolicy")


@_attrs_define
class PartialPolicy:
    """A full or partial policy: every field it leaves out, at any depth, takes the value of the built-in policy named by
    `extends` (default `seed`). A persistence guard is given whole.

        Attributes:
            alpha (float | Unset): For rules with a `compare` section: the chance that a canary that is no worse than its
                baseline is *ever* rolled back, however often it is asked, spent equally across the
                enabled rules (Bonferroni). Between 0 and 0.5. Example: 0.01.
            extends (PartialPolicyExtends | Unset): The built-in policy whose values the fields left out take; default
                `seed`.
            gate (PartialPolicyGate | Unset): How hook endpoints that must answer yes or no treat an `inconclusive` verdict.
            kayenta (PartialPolicyKayenta | Unset): Which of Spinnaker Kayenta's metrics each rule judges at `POST
                /v1/kayenta/judge`.
            rules (PartialPolicyRules | Unset): One entry per rule; a rule with `enabled: false` is not run and not
                reported.
    """

    alpha: float | Unset = UNSET
    extends: PartialPolicyExtends | Unset = UNSET
    gate: PartialPolicyGate | Unset = UNSET
    kayenta: PartialPolicyKayenta | Unset = UNSET
    rules: PartialPolicyRules | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        alpha = self.alpha

        extends: str | Unset = UNSET
        if not isinstance(self.extends, Unset):
            extends = self.extends.value

        gate: dict[str, Any] | Unset = UNSET
        if not isinstance(self.gate, Unset):
            gate = self.gate.to_dict()

        kayenta: dict[str, Any] | Unset = UNSET
        if not isinstance(self.kayenta, Unset):
            kayenta = self.kayenta.to_dict()

        rules: dict[str, Any] | Unset = UNSET
        if not isinstance(self.rules, Unset):
            rules = self.rules.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if alpha is not UNSET:
            field_dict["alpha"] = alpha
        if extends is not UNSET:
            field_dict["extends"] = extends
        if gate is not UNSET:
            field_dict["gate"] = gate
        if kayenta is not UNSET:
            field_dict["kayenta"] = kayenta
        if rules is not UNSET:
            field_dict["rules"] = rules

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.partial_policy_gate import PartialPolicyGate  # noqa: PLC0415
        from ..models.partial_policy_kayenta import PartialPolicyKayenta  # noqa: PLC0415
        from ..models.partial_policy_rules import PartialPolicyRules  # noqa: PLC0415

        d = dict(src_dict)
        alpha = d.pop("alpha", UNSET)

        _extends = d.pop("extends", UNSET)
        extends: PartialPolicyExtends | Unset
        if isinstance(_extends, Unset):
            extends = UNSET
        else:
            extends = PartialPolicyExtends(_extends)

        _gate = d.pop("gate", UNSET)
        gate: PartialPolicyGate | Unset
        if isinstance(_gate, Unset):
            gate = UNSET
        else:
            gate = PartialPolicyGate.from_dict(_gate)

        _kayenta = d.pop("kayenta", UNSET)
        kayenta: PartialPolicyKayenta | Unset
        if isinstance(_kayenta, Unset):
            kayenta = UNSET
        else:
            kayenta = PartialPolicyKayenta.from_dict(_kayenta)

        _rules = d.pop("rules", UNSET)
        rules: PartialPolicyRules | Unset
        if isinstance(_rules, Unset):
            rules = UNSET
        else:
            rules = PartialPolicyRules.from_dict(_rules)

        partial_policy = cls(
            alpha=alpha,
            extends=extends,
            gate=gate,
            kayenta=kayenta,
            rules=rules,
        )

        return partial_policy
