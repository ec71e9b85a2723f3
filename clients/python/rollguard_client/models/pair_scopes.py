from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metric_set_scope import MetricSetScope


T = TypeVar("T", bound="PairScopes")


@_attrs_define
class PairScopes:
    """Where each series sits in time.

    Attributes:
        control (MetricSetScope | None | Unset):
        experiment (MetricSetScope | None | Unset):
    """

    control: MetricSetScope | None | Unset = UNSET
    experiment: MetricSetScope | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.metric_set_scope import MetricSetScope  # noqa: PLC0415

        control: dict[str, Any] | None | Unset
        if isinstance(self.control, Unset):
            control = UNSET
        elif isinstance(self.control, MetricSetScope):
            control = self.control.to_dict()
        else:
            control = self.control

        experiment: dict[str, Any] | None | Unset
        if isinstance(self.experiment, Unset):
            experiment = UNSET
        elif isinstance(self.experiment, MetricSetScope):
            experiment = self.experiment.to_dict()
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
        from ..models.metric_set_scope import MetricSetScope  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_control(data: object) -> MetricSetScope | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                control_type_0 = MetricSetScope.from_dict(data)

                return control_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MetricSetScope | None | Unset, data)

        control = _parse_control(d.pop("control", UNSET))

        def _parse_experiment(data: object) -> MetricSetScope | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                experiment_type_0 = MetricSetScope.from_dict(data)

                return experiment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MetricSetScope | None | Unset, data)

        experiment = _parse_experiment(d.pop("experiment", UNSET))

        pair_scopes = cls(
            control=control,
            experiment=experiment,
        )

        pair_scopes.additional_properties = d
        return pair_scopes

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
