from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.conversion_params import ConversionParams
    from ..models.error_rate_params import ErrorRateParams
    from ..models.latency_params import LatencyParams


T = TypeVar("T", bound="Rules")


@_attrs_define
class Rules:
    """One entry per rule; a rule with `enabled: false` is not run and not reported.

    Attributes:
        conversion (ConversionParams): Conversion drop: the mean of the last `window` conversion points is below
            `min_ratio` × baseline.
            The baseline is `baseline.conversion_rate` when given, else the mean of the baseline cohort's
            conversion points, else the mean of the pre-deployment points.
        error_rate (ErrorRateParams): Sustained error rate: the mean of the last `window` points is above `threshold`
            (percent).
        latency (LatencyParams): Latency spike: the last point is above mean + `sigmas` × population standard deviation
            of all
            points except the last `exclude_recent`.
    """

    conversion: ConversionParams
    error_rate: ErrorRateParams
    latency: LatencyParams

    def to_dict(self) -> dict[str, Any]:
        conversion = self.conversion.to_dict()

        error_rate = self.error_rate.to_dict()

        latency = self.latency.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "conversion": conversion,
                "error_rate": error_rate,
                "latency": latency,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.conversion_params import ConversionParams  # noqa: PLC0415
        from ..models.error_rate_params import ErrorRateParams  # noqa: PLC0415
        from ..models.latency_params import LatencyParams  # noqa: PLC0415

        d = dict(src_dict)
        conversion = ConversionParams.from_dict(d.pop("conversion"))

        error_rate = ErrorRateParams.from_dict(d.pop("error_rate"))

        latency = LatencyParams.from_dict(d.pop("latency"))

        rules = cls(
            conversion=conversion,
            error_rate=error_rate,
            latency=latency,
        )

        return rules
