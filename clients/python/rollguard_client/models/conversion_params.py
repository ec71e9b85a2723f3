from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.conversion_compare import ConversionCompare
    from ..models.persistence import Persistence


T = TypeVar("T", bound="ConversionParams")


@_attrs_define
class ConversionParams:
    """Conversion drop: the mean of the last `window` conversion points is below `min_ratio` × baseline.
    The baseline is `baseline.conversion_rate` when given, else the mean of the baseline cohort's
    conversion points, else the mean of the pre-deployment points.

        Attributes:
            enabled (bool):
            min_ratio (float):
            window (int):
            compare (ConversionCompare | None | Unset):
            persistence (None | Persistence | Unset):
            required (bool | Unset): As for `error_rate`.
    """

    enabled: bool
    min_ratio: float
    window: int
    compare: ConversionCompare | None | Unset = UNSET
    persistence: None | Persistence | Unset = UNSET
    required: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.conversion_compare import ConversionCompare  # noqa: PLC0415
        from ..models.persistence import Persistence  # noqa: PLC0415

        enabled = self.enabled

        min_ratio = self.min_ratio

        window = self.window

        compare: dict[str, Any] | None | Unset
        if isinstance(self.compare, Unset):
            compare = UNSET
        elif isinstance(self.compare, ConversionCompare):
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
                "min_ratio": min_ratio,
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
        from ..models.conversion_compare import ConversionCompare  # noqa: PLC0415
        from ..models.persistence import Persistence  # noqa: PLC0415

        d = dict(src_dict)
        enabled = d.pop("enabled")

        min_ratio = d.pop("min_ratio")

        window = d.pop("window")

        def _parse_compare(data: object) -> ConversionCompare | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                compare_type_0 = ConversionCompare.from_dict(data)

                return compare_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ConversionCompare | None | Unset, data)

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

        conversion_params = cls(
            enabled=enabled,
            min_ratio=min_ratio,
            window=window,
            compare=compare,
            persistence=persistence,
            required=required,
        )

        return conversion_params
