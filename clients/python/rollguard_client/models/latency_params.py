from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.latency_compare import LatencyCompare
    from ..models.persistence import Persistence


T = TypeVar("T", bound="LatencyParams")


@_attrs_define
class LatencyParams:
    """Latency spike: the last point is above mean + `sigmas` × population standard deviation of all
    points except the last `exclude_recent`.

        Attributes:
            enabled (bool):
            exclude_recent (int): Most recent points left out of the mean and standard deviation.
            min_baseline_points (int): Fewest points that must remain after excluding the recent ones; fewer is
                `insufficient_data`.
            sigmas (float):
            clip_sigmas (float | None | Unset): Winsorize the baseline: in time order, each point past the first
                `min_baseline_points`
                is clipped to mean ± `clip_sigmas`·σ of the points before it (Welford's running mean and
                σ), so a single spike cannot inflate the spread. Null (the seed): plain mean and σ.
            compare (LatencyCompare | None | Unset):
            persistence (None | Persistence | Unset):
            required (bool | Unset): As for `error_rate`.
    """

    enabled: bool
    exclude_recent: int
    min_baseline_points: int
    sigmas: float
    clip_sigmas: float | None | Unset = UNSET
    compare: LatencyCompare | None | Unset = UNSET
    persistence: None | Persistence | Unset = UNSET
    required: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.latency_compare import LatencyCompare  # noqa: PLC0415
        from ..models.persistence import Persistence  # noqa: PLC0415

        enabled = self.enabled

        exclude_recent = self.exclude_recent

        min_baseline_points = self.min_baseline_points

        sigmas = self.sigmas

        clip_sigmas: float | None | Unset
        if isinstance(self.clip_sigmas, Unset):
            clip_sigmas = UNSET
        else:
            clip_sigmas = self.clip_sigmas

        compare: dict[str, Any] | None | Unset
        if isinstance(self.compare, Unset):
            compare = UNSET
        elif isinstance(self.compare, LatencyCompare):
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
                "exclude_recent": exclude_recent,
                "min_baseline_points": min_baseline_points,
                "sigmas": sigmas,
            }
        )
        if clip_sigmas is not UNSET:
            field_dict["clip_sigmas"] = clip_sigmas
        if compare is not UNSET:
            field_dict["compare"] = compare
        if persistence is not UNSET:
            field_dict["persistence"] = persistence
        if required is not UNSET:
            field_dict["required"] = required

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.latency_compare import LatencyCompare  # noqa: PLC0415
        from ..models.persistence import Persistence  # noqa: PLC0415

        d = dict(src_dict)
        enabled = d.pop("enabled")

        exclude_recent = d.pop("exclude_recent")

        min_baseline_points = d.pop("min_baseline_points")

        sigmas = d.pop("sigmas")

        def _parse_clip_sigmas(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        clip_sigmas = _parse_clip_sigmas(d.pop("clip_sigmas", UNSET))

        def _parse_compare(data: object) -> LatencyCompare | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                compare_type_0 = LatencyCompare.from_dict(data)

                return compare_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LatencyCompare | None | Unset, data)

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

        latency_params = cls(
            enabled=enabled,
            exclude_recent=exclude_recent,
            min_baseline_points=min_baseline_points,
            sigmas=sigmas,
            clip_sigmas=clip_sigmas,
            compare=compare,
            persistence=persistence,
            required=required,
        )

        return latency_params
