from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.from_prometheus import FromPrometheus
    from ..models.partial_policy import PartialPolicy
    from ..models.store_filter import StoreFilter


T = TypeVar("T", bound="ReplayRequest")


@_attrs_define
class ReplayRequest:
    """What to replay, under which policies, polled how.

    Attributes:
        deployments (list[Any] | None | Unset): Deployments to replay, each in the NDJSON line shape (`key`, `outcome`,
            `onset_step`,
            `metrics`, `baseline`, `cohorts`). Exactly one of `deployments`, `from_store` and
            `from_prometheus`.
        every (int | None | Unset): Ask every N points (default 1).
        from_prometheus (FromPrometheus | None | Unset):
        from_store (None | StoreFilter | Unset):
        interval_seconds (int | None | Unset): Ask every this many seconds instead (needs timestamped series).
        policies (list[PartialPolicy | str] | Unset): Policy names or inline policies, compared side by side (default:
            `seed` and `guarded`).
    """

    deployments: list[Any] | None | Unset = UNSET
    every: int | None | Unset = UNSET
    from_prometheus: FromPrometheus | None | Unset = UNSET
    from_store: None | StoreFilter | Unset = UNSET
    interval_seconds: int | None | Unset = UNSET
    policies: list[PartialPolicy | str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.from_prometheus import FromPrometheus  # noqa: PLC0415
        from ..models.partial_policy import PartialPolicy  # noqa: PLC0415
        from ..models.store_filter import StoreFilter  # noqa: PLC0415

        deployments: list[Any] | None | Unset
        if isinstance(self.deployments, Unset):
            deployments = UNSET
        elif isinstance(self.deployments, list):
            deployments = self.deployments

        else:
            deployments = self.deployments

        every: int | None | Unset
        if isinstance(self.every, Unset):
            every = UNSET
        else:
            every = self.every

        from_prometheus: dict[str, Any] | None | Unset
        if isinstance(self.from_prometheus, Unset):
            from_prometheus = UNSET
        elif isinstance(self.from_prometheus, FromPrometheus):
            from_prometheus = self.from_prometheus.to_dict()
        else:
            from_prometheus = self.from_prometheus

        from_store: dict[str, Any] | None | Unset
        if isinstance(self.from_store, Unset):
            from_store = UNSET
        elif isinstance(self.from_store, StoreFilter):
            from_store = self.from_store.to_dict()
        else:
            from_store = self.from_store

        interval_seconds: int | None | Unset
        if isinstance(self.interval_seconds, Unset):
            interval_seconds = UNSET
        else:
            interval_seconds = self.interval_seconds

        policies: list[dict[str, Any] | str] | Unset = UNSET
        if not isinstance(self.policies, Unset):
            policies = []
            for policies_item_data in self.policies:
                policies_item: dict[str, Any] | str
                if isinstance(policies_item_data, PartialPolicy):
                    policies_item = policies_item_data.to_dict()
                else:
                    policies_item = policies_item_data
                policies.append(policies_item)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if deployments is not UNSET:
            field_dict["deployments"] = deployments
        if every is not UNSET:
            field_dict["every"] = every
        if from_prometheus is not UNSET:
            field_dict["from_prometheus"] = from_prometheus
        if from_store is not UNSET:
            field_dict["from_store"] = from_store
        if interval_seconds is not UNSET:
            field_dict["interval_seconds"] = interval_seconds
        if policies is not UNSET:
            field_dict["policies"] = policies

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.from_prometheus import FromPrometheus  # noqa: PLC0415
        from ..models.partial_policy import PartialPolicy  # noqa: PLC0415
        from ..models.store_filter import StoreFilter  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_deployments(data: object) -> list[Any] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                deployments_type_0 = cast(list[Any], data)

                return deployments_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Any] | None | Unset, data)

        deployments = _parse_deployments(d.pop("deployments", UNSET))

        def _parse_every(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        every = _parse_every(d.pop("every", UNSET))

        def _parse_from_prometheus(data: object) -> FromPrometheus | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                from_prometheus_type_0 = FromPrometheus.from_dict(data)

                return from_prometheus_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FromPrometheus | None | Unset, data)

        from_prometheus = _parse_from_prometheus(d.pop("from_prometheus", UNSET))

        def _parse_from_store(data: object) -> None | StoreFilter | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                from_store_type_0 = StoreFilter.from_dict(data)

                return from_store_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | StoreFilter | Unset, data)

        from_store = _parse_from_store(d.pop("from_store", UNSET))

        def _parse_interval_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        interval_seconds = _parse_interval_seconds(d.pop("interval_seconds", UNSET))

        _policies = d.pop("policies", UNSET)
        policies: list[PartialPolicy | str] | Unset = UNSET
        if _policies is not UNSET:
            policies = []
            for policies_item_data in _policies:

                def _parse_policies_item(data: object) -> PartialPolicy | str:
                    try:
                        if not isinstance(data, dict):
                            raise TypeError()
                        componentsschemas_policy_spec_type_1 = PartialPolicy.from_dict(data)

                        return componentsschemas_policy_spec_type_1
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    return cast(PartialPolicy | str, data)

                policies_item = _parse_policies_item(policies_item_data)

                policies.append(policies_item)

        replay_request = cls(
            deployments=deployments,
            every=every,
            from_prometheus=from_prometheus,
            from_store=from_store,
            interval_seconds=interval_seconds,
            policies=policies,
        )

        return replay_request
