from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.point_input import PointInput


T = TypeVar("T", bound="IngestRequest")


@_attrs_define
class IngestRequest:
    """A batch of points for one deployment.

    Attributes:
        points (list[PointInput]): At most the server's `--max-batch-points` (50,000 by default); more is a 413.
    """

    points: list[PointInput]

    def to_dict(self) -> dict[str, Any]:
        points = []
        for points_item_data in self.points:
            points_item = points_item_data.to_dict()
            points.append(points_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "points": points,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.point_input import PointInput  # noqa: PLC0415

        d = dict(src_dict)
        points = []
        _points = d.pop("points")
        for points_item_data in _points:
            points_item = PointInput.from_dict(points_item_data)

            points.append(points_item)

        ingest_request = cls(
            points=points,
        )

        return ingest_request
