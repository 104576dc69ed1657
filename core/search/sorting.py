"""Meilisearch sort expressions built from typed input (pure functions)."""

from __future__ import annotations

from core.errors import InputError
from core.search.attributes import Attribute
from core.search.geo import geo_point_sort
from core.search.model import GeoCircle, SortOrder

_BY_ATTRIBUTE: dict[SortOrder, tuple[Attribute, str]] = {
    SortOrder.START_DATE_ASC: (Attribute.START_DATE, "asc"),
    SortOrder.START_DATE_DESC: (Attribute.START_DATE, "desc"),
    SortOrder.DURATION_ASC: (Attribute.DURATION_WEEKS, "asc"),
    SortOrder.DURATION_DESC: (Attribute.DURATION_WEEKS, "desc"),
}


def sort_expression(order: SortOrder, circle: GeoCircle | None) -> list[str]:
    """The ``sort`` parameter: empty for relevance; nearest first for distance.

    Courses without the attribute (continuous intake has no start date) come last in
    either direction.
    """
    if order is SortOrder.RELEVANCE:
        return []
    if order is SortOrder.DISTANCE:
        if circle is None:
            raise InputError("sort", "sorting by DISTANCE needs the 'near' argument")
        return [geo_point_sort(circle.centre)]
    attribute, direction = _BY_ATTRIBUTE[order]
    return [f"{attribute}:{direction}"]
