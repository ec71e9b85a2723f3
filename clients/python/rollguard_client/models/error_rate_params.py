from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.persistence import Persistence


T = TypeVar("T", bound="ErrorRateParams")


@_attrs_define
class ErrorRateParams:
    """Sustained error rate: the mean of the last `window` points is above `threshold` (percent).

    Attributes:
        enabled (bool):
        threshold (float): Percent, 0–100; the rule triggers when the mean is strictly above it.
        window (int): Number of most recent points averaged; fewer points is `insufficient_data`.
        persistence (None | Persistence | Unset):
    """

    enabled: bool
    threshold: float
    window: int
    persistence: None | Persistence | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.persistence import Persistence  # noqa: PLC0415

        enabled = self.enabled

        threshold = self.threshold

        window = self.window

        persistence: dict[str, Any] | None | Unset
        if isinstance(self.persistence, Unset):
            persistence = UNSET
        elif isinstance(self.persistence, Persistence):
            persistence = self.persistence.to_dict()
        else:
            persistence = self.persistence

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "enabled": enabled,
                "threshold": threshold,
                "window": window,
            }
        )
        if persistence is not UNSET:
            field_dict["persistence"] = persistence

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.persistence import Persistence  # noqa: PLC0415

        d = dict(src_dict)
        enabled = d.pop("enabled")

        threshold = d.pop("threshold")

        window = d.pop("window")

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

        error_rate_params = cls(
            enabled=enabled,
            threshold=threshold,
            window=window,
            persistence=persistence,
        )

        return error_rate_params
