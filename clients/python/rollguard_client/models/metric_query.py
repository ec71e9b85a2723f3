from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="MetricQuery")


@_attrs_define
class MetricQuery:
    """One series' queries: the value (in the metric's unit: percent, milliseconds, a fraction) and
    the count behind it (requests or sessions per step).

        Attributes:
            query (str):  Example: 100 *
                sum(rate(http_requests_total{service="{{service}}",version="{{version}}",code=~"5.."}[{{step}}])) /
                sum(rate(http_requests_total{service="{{service}}",version="{{version}}"}[{{step}}])).
            count_query (None | str | Unset): Optional: without it the points carry no count. Example:
                sum(increase(http_requests_total{service="{{service}}",version="{{version}}"}[{{step}}])).
    """

    query: str
    count_query: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        query = self.query

        count_query: None | str | Unset
        if isinstance(self.count_query, Unset):
            count_query = UNSET
        else:
            count_query = self.count_query

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "query": query,
            }
        )
        if count_query is not UNSET:
            field_dict["count_query"] = count_query

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        query = d.pop("query")

        def _parse_count_query(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        count_query = _parse_count_query(d.pop("count_query", UNSET))

        metric_query = cls(
            query=query,
            count_query=count_query,
        )

        return metric_query
