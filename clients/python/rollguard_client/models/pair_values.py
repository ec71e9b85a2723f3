from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pair_values_control_item_type_1 import PairValuesControlItemType1
from ..models.pair_values_experiment_item_type_1 import PairValuesExperimentItemType1
from ..types import UNSET, Unset

T = TypeVar("T", bound="PairValues")


@_attrs_define
class PairValues:
    """The two series, oldest first; a missing point is `"NaN"` or `null`.

    Attributes:
        control (list[float | None | PairValuesControlItemType1] | Unset): The baseline cohort.
        experiment (list[float | None | PairValuesExperimentItemType1] | Unset): The canary.
    """

    control: list[float | None | PairValuesControlItemType1] | Unset = UNSET
    experiment: list[float | None | PairValuesExperimentItemType1] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        control: list[float | None | str] | Unset = UNSET
        if not isinstance(self.control, Unset):
            control = []
            for control_item_data in self.control:
                control_item: float | None | str
                if isinstance(control_item_data, PairValuesControlItemType1):
                    control_item = control_item_data.value
                else:
                    control_item = control_item_data
                control.append(control_item)

        experiment: list[float | None | str] | Unset = UNSET
        if not isinstance(self.experiment, Unset):
            experiment = []
            for experiment_item_data in self.experiment:
                experiment_item: float | None | str
                if isinstance(experiment_item_data, PairValuesExperimentItemType1):
                    experiment_item = experiment_item_data.value
                else:
                    experiment_item = experiment_item_data
                experiment.append(experiment_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if control is not UNSET:
            field_dict["control"] = control
        if experiment is not UNSET:
            field_dict["experiment"] = experiment

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _control = d.pop("control", UNSET)
        control: list[float | None | PairValuesControlItemType1] | Unset = UNSET
        if _control is not UNSET:
            control = []
            for control_item_data in _control:

                def _parse_control_item(data: object) -> float | None | PairValuesControlItemType1:
                    if data is None:
                        return data
                    try:
                        if not isinstance(data, str):
                            raise TypeError()
                        control_item_type_1 = PairValuesControlItemType1(data)

                        return control_item_type_1
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    return cast(float | None | PairValuesControlItemType1, data)

                control_item = _parse_control_item(control_item_data)

                control.append(control_item)

        _experiment = d.pop("experiment", UNSET)
        experiment: list[float | None | PairValuesExperimentItemType1] | Unset = UNSET
        if _experiment is not UNSET:
            experiment = []
            for experiment_item_data in _experiment:

                def _parse_experiment_item(data: object) -> float | None | PairValuesExperimentItemType1:
                    if data is None:
                        return data
                    try:
                        if not isinstance(data, str):
                            raise TypeError()
                        experiment_item_type_1 = PairValuesExperimentItemType1(data)

                        return experiment_item_type_1
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    return cast(float | None | PairValuesExperimentItemType1, data)

                experiment_item = _parse_experiment_item(experiment_item_data)

                experiment.append(experiment_item)

        pair_values = cls(
            control=control,
            experiment=experiment,
        )

        pair_values.additional_properties = d
        return pair_values

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
