from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pair_values_control_type_0_item_type_1 import PairValuesControlType0ItemType1
from ..models.pair_values_experiment_type_0_item_type_1 import PairValuesExperimentType0ItemType1
from ..types import UNSET, Unset

T = TypeVar("T", bound="PairValues")


@_attrs_define
class PairValues:
    """The two series, oldest first; a missing point is `"NaN"` or `null`.

    Attributes:
        control (list[float | None | PairValuesControlType0ItemType1] | None | Unset): The baseline cohort.
        experiment (list[float | None | PairValuesExperimentType0ItemType1] | None | Unset): The canary.
    """

    control: list[float | None | PairValuesControlType0ItemType1] | None | Unset = UNSET
    experiment: list[float | None | PairValuesExperimentType0ItemType1] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        control: list[float | None | str] | None | Unset
        if isinstance(self.control, Unset):
            control = UNSET
        elif isinstance(self.control, list):
            control = []
            for control_type_0_item_data in self.control:
                control_type_0_item: float | None | str
                if isinstance(control_type_0_item_data, PairValuesControlType0ItemType1):
                    control_type_0_item = control_type_0_item_data.value
                else:
                    control_type_0_item = control_type_0_item_data
                control.append(control_type_0_item)

        else:
            control = self.control

        experiment: list[float | None | str] | None | Unset
        if isinstance(self.experiment, Unset):
            experiment = UNSET
        elif isinstance(self.experiment, list):
            experiment = []
            for experiment_type_0_item_data in self.experiment:
                experiment_type_0_item: float | None | str
                if isinstance(experiment_type_0_item_data, PairValuesExperimentType0ItemType1):
                    experiment_type_0_item = experiment_type_0_item_data.value
                else:
                    experiment_type_0_item = experiment_type_0_item_data
                experiment.append(experiment_type_0_item)

        else:
            experiment = self.experiment

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

        def _parse_control(data: object) -> list[float | None | PairValuesControlType0ItemType1] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                control_type_0 = []
                _control_type_0 = data
                for control_type_0_item_data in _control_type_0:

                    def _parse_control_type_0_item(data: object) -> float | None | PairValuesControlType0ItemType1:
                        if data is None:
                            return data
                        try:
                            if not isinstance(data, str):
                                raise TypeError()
                            control_type_0_item_type_1 = PairValuesControlType0ItemType1(data)

                            return control_type_0_item_type_1
                        except (TypeError, ValueError, AttributeError, KeyError):
                            pass
                        return cast(float | None | PairValuesControlType0ItemType1, data)

                    control_type_0_item = _parse_control_type_0_item(control_type_0_item_data)

                    control_type_0.append(control_type_0_item)

                return control_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[float | None | PairValuesControlType0ItemType1] | None | Unset, data)

        control = _parse_control(d.pop("control", UNSET))

        def _parse_experiment(data: object) -> list[float | None | PairValuesExperimentType0ItemType1] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                experiment_type_0 = []
                _experiment_type_0 = data
                for experiment_type_0_item_data in _experiment_type_0:

                    def _parse_experiment_type_0_item(
                        data: object,
                    ) -> float | None | PairValuesExperimentType0ItemType1:
                        if data is None:
                            return data
                        try:
                            if not isinstance(data, str):
                                raise TypeError()
                            experiment_type_0_item_type_1 = PairValuesExperimentType0ItemType1(data)

                            return experiment_type_0_item_type_1
                        except (TypeError, ValueError, AttributeError, KeyError):
                            pass
                        return cast(float | None | PairValuesExperimentType0ItemType1, data)

                    experiment_type_0_item = _parse_experiment_type_0_item(experiment_type_0_item_data)

                    experiment_type_0.append(experiment_type_0_item)

                return experiment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[float | None | PairValuesExperimentType0ItemType1] | None | Unset, data)

        experiment = _parse_experiment(d.pop("experiment", UNSET))

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
