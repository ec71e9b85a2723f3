from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cohort_series_baseline import CohortSeriesBaseline
    from ..models.cohort_series_pre import CohortSeriesPre


T = TypeVar("T", bound="CohortSeries")


@_attrs_define
class CohortSeries:
    """Series of the non-canary cohorts, by metric name.

    Attributes:
        baseline (CohortSeriesBaseline | Unset):
        pre (CohortSeriesPre | Unset):
    """

    baseline: CohortSeriesBaseline | Unset = UNSET
    pre: CohortSeriesPre | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        baseline: dict[str, Any] | Unset = UNSET
        if not isinstance(self.baseline, Unset):
            baseline = self.baseline.to_dict()

        pre: dict[str, Any] | Unset = UNSET
        if not isinstance(self.pre, Unset):
            pre = self.pre.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if baseline is not UNSET:
            field_dict["baseline"] = baseline
        if pre is not UNSET:
            field_dict["pre"] = pre

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cohort_series_baseline import CohortSeriesBaseline  # noqa: PLC0415
        from ..models.cohort_series_pre import CohortSeriesPre  # noqa: PLC0415

        d = dict(src_dict)
        _baseline = d.pop("baseline", UNSET)
        baseline: CohortSeriesBaseline | Unset
        if isinstance(_baseline, Unset):
            baseline = UNSET
        else:
            baseline = CohortSeriesBaseline.from_dict(_baseline)

        _pre = d.pop("pre", UNSET)
        pre: CohortSeriesPre | Unset
        if isinstance(_pre, Unset):
            pre = UNSET
        else:
            pre = CohortSeriesPre.from_dict(_pre)

        cohort_series = cls(
            baseline=baseline,
            pre=pre,
        )

        return cohort_series
