from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.outcome import Outcome
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.deployment_result_results import DeploymentResultResults


T = TypeVar("T", bound="DeploymentResult")


@_attrs_define
class DeploymentResult:
    """One deployment's replay.

    Attributes:
        key (str):
        results (DeploymentResultResults): By policy name.
        steps (int): Steps in the whole series.
        onset_step (int | None | Unset):
        outcome (None | Outcome | Unset):
    """

    key: str
    results: DeploymentResultResults
    steps: int
    onset_step: int | None | Unset = UNSET
    outcome: None | Outcome | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        results = self.results.to_dict()

        steps = self.steps

        onset_step: int | None | Unset
        if isinstance(self.onset_step, Unset):
            onset_step = UNSET
        else:
            onset_step = self.onset_step

        outcome: None | str | Unset
        if isinstance(self.outcome, Unset):
            outcome = UNSET
        elif isinstance(self.outcome, Outcome):
            outcome = self.outcome.value
        else:
            outcome = self.outcome

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "results": results,
                "steps": steps,
            }
        )
        if onset_step is not UNSET:
            field_dict["onset_step"] = onset_step
        if outcome is not UNSET:
            field_dict["outcome"] = outcome

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.deployment_result_results import DeploymentResultResults  # noqa: PLC0415

        d = dict(src_dict)
        key = d.pop("key")

        results = DeploymentResultResults.from_dict(d.pop("results"))

        steps = d.pop("steps")

        def _parse_onset_step(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        onset_step = _parse_onset_step(d.pop("onset_step", UNSET))

        def _parse_outcome(data: object) -> None | Outcome | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                outcome_type_0 = Outcome(data)

                return outcome_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Outcome | Unset, data)

        outcome = _parse_outcome(d.pop("outcome", UNSET))

        deployment_result = cls(
            key=key,
            results=results,
            steps=steps,
            onset_step=onset_step,
            outcome=outcome,
        )

        deployment_result.additional_properties = d
        return deployment_result

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
