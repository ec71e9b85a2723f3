from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.prometheus_deployment import PrometheusDeployment


T = TypeVar("T", bound="FromPrometheus")


@_attrs_define
class FromPrometheus:
    """Past deployments to read from Prometheus, each by service, versions and time range.

    Attributes:
        deployments (list[PrometheusDeployment]): 1 to 1,000 deployments.
    """

    deployments: list[PrometheusDeployment]

    def to_dict(self) -> dict[str, Any]:
        deployments = []
        for deployments_item_data in self.deployments:
            deployments_item = deployments_item_data.to_dict()
            deployments.append(deployments_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "deployments": deployments,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.prometheus_deployment import PrometheusDeployment  # noqa: PLC0415

        d = dict(src_dict)
        deployments = []
        _deployments = d.pop("deployments")
        for deployments_item_data in _deployments:
            deployments_item = PrometheusDeployment.from_dict(deployments_item_data)

            deployments.append(deployments_item)

        from_prometheus = cls(
            deployments=deployments,
        )

        return from_prometheus
