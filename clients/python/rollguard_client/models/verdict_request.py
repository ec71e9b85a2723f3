from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.deployment_spec import DeploymentSpec
    from ..models.partial_policy import PartialPolicy


T = TypeVar("T", bound="VerdictRequest")


@_attrs_define
class VerdictRequest:
    """Options for one evaluation of a deployment's stored series; the body may be empty.

    Attributes:
        at (datetime.datetime | None | Unset): Evaluate as of this time (RFC 3339, years 0001–9999): only points at or
            before it are read.
        canary_weight (int | None | Unset): The canary's current traffic weight (percent); when given, the verdict
            carries the next
            step (see canary stepping in the README).
        deployment (DeploymentSpec | None | Unset):
        max_weight (int | None | Unset): The weight at which the canary is fully rolled out (percent, default 100).
        policy (None | PartialPolicy | str | Unset):
    """

    at: datetime.datetime | None | Unset = UNSET
    canary_weight: int | None | Unset = UNSET
    deployment: DeploymentSpec | None | Unset = UNSET
    max_weight: int | None | Unset = UNSET
    policy: None | PartialPolicy | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.deployment_spec import DeploymentSpec  # noqa: PLC0415
        from ..models.partial_policy import PartialPolicy  # noqa: PLC0415

        at: None | str | Unset
        if isinstance(self.at, Unset):
            at = UNSET
        elif isinstance(self.at, datetime.datetime):
            at = self.at.isoformat()
        else:
            at = self.at

        canary_weight: int | None | Unset
        if isinstance(self.canary_weight, Unset):
            canary_weight = UNSET
        else:
            canary_weight = self.canary_weight

        deployment: dict[str, Any] | None | Unset
        if isinstance(self.deployment, Unset):
            deployment = UNSET
        elif isinstance(self.deployment, DeploymentSpec):
            deployment = self.deployment.to_dict()
        else:
            deployment = self.deployment

        max_weight: int | None | Unset
        if isinstance(self.max_weight, Unset):
            max_weight = UNSET
        else:
            max_weight = self.max_weight

        policy: dict[str, Any] | None | str | Unset
        if isinstance(self.policy, Unset):
            policy = UNSET
        elif isinstance(self.policy, PartialPolicy):
            policy = self.policy.to_dict()
        else:
            policy = self.policy

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if at is not UNSET:
            field_dict["at"] = at
        if canary_weight is not UNSET:
            field_dict["canary_weight"] = canary_weight
        if deployment is not UNSET:
            field_dict["deployment"] = deployment
        if max_weight is not UNSET:
            field_dict["max_weight"] = max_weight
        if policy is not UNSET:
            field_dict["policy"] = policy

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.deployment_spec import DeploymentSpec  # noqa: PLC0415
        from ..models.partial_policy import PartialPolicy  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                at_type_0 = datetime.datetime.fromisoformat(data)

                return at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        at = _parse_at(d.pop("at", UNSET))

        def _parse_canary_weight(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        canary_weight = _parse_canary_weight(d.pop("canary_weight", UNSET))

        def _parse_deployment(data: object) -> DeploymentSpec | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                deployment_type_0 = DeploymentSpec.from_dict(data)

                return deployment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DeploymentSpec | None | Unset, data)

        deployment = _parse_deployment(d.pop("deployment", UNSET))

        def _parse_max_weight(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_weight = _parse_max_weight(d.pop("max_weight", UNSET))

        def _parse_policy(data: object) -> None | PartialPolicy | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_policy_spec_type_1 = PartialPolicy.from_dict(data)

                return componentsschemas_policy_spec_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PartialPolicy | str | Unset, data)

        policy = _parse_policy(d.pop("policy", UNSET))

        verdict_request = cls(
            at=at,
            canary_weight=canary_weight,
            deployment=deployment,
            max_weight=max_weight,
            policy=policy,
        )

        return verdict_request
