from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.deployment_result import DeploymentResult
    from ..models.replay_report_summary import ReplayReportSummary


T = TypeVar("T", bound="ReplayReport")


@_attrs_define
class ReplayReport:
    """A whole replay: per deployment, and summed up per policy.

    Attributes:
        deployments (list[DeploymentResult]):
        policies (list[str]): Policy names, in the order given.
        steps (int): Steps in all deployments' series times the number of policies: an upper bound on the
            steps evaluated (polling skips steps, and each policy stops at its first rollback).
        summary (ReplayReportSummary):
    """

    deployments: list[DeploymentResult]
    policies: list[str]
    steps: int
    summary: ReplayReportSummary
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        deployments = []
        for deployments_item_data in self.deployments:
            deployments_item = deployments_item_data.to_dict()
            deployments.append(deployments_item)

        policies = self.policies

        steps = self.steps

        summary = self.summary.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "deployments": deployments,
                "policies": policies,
                "steps": steps,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.deployment_result import DeploymentResult  # noqa: PLC0415
        from ..models.replay_report_summary import ReplayReportSummary  # noqa: PLC0415

        d = dict(src_dict)
        deployments = []
        _deployments = d.pop("deployments")
        for deployments_item_data in _deployments:
            deployments_item = DeploymentResult.from_dict(deployments_item_data)

            deployments.append(deployments_item)

        policies = cast(list[str], d.pop("policies"))

        steps = d.pop("steps")

        summary = ReplayReportSummary.from_dict(d.pop("summary"))

        replay_report = cls(
            deployments=deployments,
            policies=policies,
            steps=steps,
            summary=summary,
        )

        replay_report.additional_properties = d
        return replay_report

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
