from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.timed_point import TimedPoint


T = TypeVar("T", bound="EvaluationDocumentMetrics")


@_attrs_define
class EvaluationDocumentMetrics:
    """The canary's series by metric name (`[a-z][a-z0-9_]{0,63}`), each oldest first: all
    numbers, or all `{ts, value}` points with strictly increasing times, either all with a
    `count` or all without. The rules read `error_rate` (percent, 0–100), `latency_p99` (ms)
    and `conversion_rate` (fraction, 0–1).

        Example:
            {'conversion_rate': [0.029], 'error_rate': [0.4, 0.7, 6.2], 'latency_p99': [{'count': 850, 'ts':
                '2026-11-24T10:00:00Z', 'value': 212.5}]}

    """

    additional_properties: dict[str, list[float | TimedPoint]] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.timed_point import TimedPoint  # noqa: PLC0415

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = []
            for additional_property_item_data in prop:
                additional_property_item: dict[str, Any] | float
                if isinstance(additional_property_item_data, TimedPoint):
                    additional_property_item = additional_property_item_data.to_dict()
                else:
                    additional_property_item = additional_property_item_data
                field_dict[prop_name].append(additional_property_item)

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.timed_point import TimedPoint  # noqa: PLC0415

        d = dict(src_dict)
        evaluation_document_metrics = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = []
            _additional_property = prop_dict
            for additional_property_item_data in _additional_property:

                def _parse_additional_property_item(data: object) -> float | TimedPoint:
                    try:
                        if not isinstance(data, dict):
                            raise TypeError()
                        componentsschemas_series_point_type_1 = TimedPoint.from_dict(data)

                        return componentsschemas_series_point_type_1
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    return cast(float | TimedPoint, data)

                additional_property_item = _parse_additional_property_item(additional_property_item_data)

                additional_property.append(additional_property_item)

            additional_properties[prop_name] = additional_property

        evaluation_document_metrics.additional_properties = additional_properties
        return evaluation_document_metrics

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> list[float | TimedPoint]:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: list[float | TimedPoint]) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
