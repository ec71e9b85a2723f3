from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_rate_compare import ErrorRateCompare
    from ..models.persistence import Persistence


T = TypeVar("T", bound="ErrorRateParams")


@_attrs_define
class ErrorRateParams:
    """Sustained error rate: the mean of the last `window` points is above `threshold` (percent).

    Attributes:
        enabled (bool):
        threshold (float): Percent, 0–100; the rule triggers when the mean is strictly above it.
        window (int): Number of most recent points averaged; fewer points is `insufficient_data`.
        compare (ErrorRateCompare | None | Unset):
        persistence (None | Persistence | Unset):
        required (bool | Unset): Whether the rule holds the verdict when the deployment has never received its metric in
            any cohort: `true` reports `insufficient_data` (inconclusive); `false` reports
            `not_applicable`, which does not count.
    """

    enabled: bool
    threshold: float
    window: int
    compare: ErrorRateCompare | None | Unset = UNSET
    persistence: None | Persistence | Unset = UNSET
    required: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.error_rate_compare import ErrorRateCompare  # noqa: PLC0415
        from ..models.persistence import Persistence  # noqa: PLC0415

        enabled = self.enabled

        threshold = self.threshold

        window = self.window

        compare: dict[str, Any] | None | Unset
        if isinstance(self.compare, Unset):
            compare = UNSET
        elif isinstance(self.compare, ErrorRateCompare):
            compare = self.compare.to_dict()
        else:
            compare = self.compare

        persistence: dict[str, Any] | None | Unset
        if isinstance(self.persistence, Unset):
            persistence = UNSET
        elif isinstance(self.persistence, Persistence):
            persistence = self.persistence.to_dict()
        else:
            persistence = self.persistence

        required = self.required

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "enabled": enabled,
                "threshold": threshold,
                "window": window,
            }
        )
        if compare is not UNSET:
            field_dict["compare"] = compare
        if persistence is not UNSET:
            field_dict["persistence"] = persistence
        if required is not UNSET:
            field_dict["required"] = required

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_rate_compare import ErrorRateCompare  # noqa: PLC0415
        from ..models.persistence import Persistence  # noqa: PLC0415

        d = dict(src_dict)
        enabled = d.pop("enabled")

        threshold = d.pop("threshold")

        window = d.pop("window")

        def _parse_compare(data: object) -> ErrorRateCompare | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                compare_type_0 = ErrorRateCompare.from_dict(data)

                return compare_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ErrorRateCompare | None | Unset, data)

        compare = _parse_compare(d.pop("compare", UNSET))

        def _parse_persistence(data: object) -> None | Persistence | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                persistence_type_0 = Persistence.from_dict(data)

                return persistence_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Persistence | Unset, data)

        persistence = _parse_persistence(d.pop("persistence", UNSET))

        required = d.pop("required", UNSET)

        error_rate_params = cls(
            enabled=enabled,
            threshold=threshold,
            window=window,
            compare=compare,
            persistence=persistence,
            required=required,
        )

        return error_rate_params
