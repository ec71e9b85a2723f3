from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.partial_policy_kayenta_conversion import PartialPolicyKayentaConversion
    from ..models.partial_policy_kayenta_error_rate import PartialPolicyKayentaErrorRate
    from ..models.partial_policy_kayenta_latency import PartialPolicyKayentaLatency


T = TypeVar("T", bound="PartialPolicyKayenta")


@_attrs_define
class PartialPolicyKayenta:
    """Which of Spinnaker Kayenta's metrics each rule judges at `POST /v1/kayenta/judge`.

    Attributes:
        conversion (PartialPolicyKayentaConversion | Unset): Which metric set pairs one rule judges, and how their
            values convert to the rule's unit.
        error_rate (PartialPolicyKayentaErrorRate | Unset): Which metric set pairs one rule judges, and how their values
            convert to the rule's unit.
        latency (PartialPolicyKayentaLatency | Unset): Which metric set pairs one rule judges, and how their values
            convert to the rule's unit.
    """

    conversion: PartialPolicyKayentaConversion | Unset = UNSET
    error_rate: PartialPolicyKayentaErrorRate | Unset = UNSET
    latency: PartialPolicyKayentaLatency | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        conversion: dict[str, Any] | Unset = UNSET
        if not isinstance(self.conversion, Unset):
            conversion = self.conversion.to_dict()

        error_rate: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error_rate, Unset):
            error_rate = self.error_rate.to_dict()

        latency: dict[str, Any] | Unset = UNSET
        if not isinstance(self.latency, Unset):
            latency = self.latency.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if conversion is not UNSET:
            field_dict["conversion"] = conversion
        if error_rate is not UNSET:
            field_dict["error_rate"] = error_rate
        if latency is not UNSET:
            field_dict["latency"] = latency

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.partial_policy_kayenta_conversion import PartialPolicyKayentaConversion  # noqa: PLC0415
        from ..models.partial_policy_kayenta_error_rate import PartialPolicyKayentaErrorRate  # noqa: PLC0415
        from ..models.partial_policy_kayenta_latency import PartialPolicyKayentaLatency  # noqa: PLC0415

        d = dict(src_dict)
        _conversion = d.pop("conversion", UNSET)
        conversion: PartialPolicyKayentaConversion | Unset
        if isinstance(_conversion, Unset):
            conversion = UNSET
        else:
            conversion = PartialPolicyKayentaConversion.from_dict(_conversion)

        _error_rate = d.pop("error_rate", UNSET)
        error_rate: PartialPolicyKayentaErrorRate | Unset
        if isinstance(_error_rate, Unset):
            error_rate = UNSET
        else:
            error_rate = PartialPolicyKayentaErrorRate.from_dict(_error_rate)

        _latency = d.pop("latency", UNSET)
        latency: PartialPolicyKayentaLatency | Unset
        if isinstance(_latency, Unset):
            latency = UNSET
        else:
            latency = PartialPolicyKayentaLatency.from_dict(_latency)

        partial_policy_kayenta = cls(
            conversion=conversion,
            error_rate=error_rate,
            latency=latency,
        )

        return partial_policy_kayenta
