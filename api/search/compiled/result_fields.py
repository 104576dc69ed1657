"""Field getters of the search result types: connection, edges, paging, facets, highlights.

They give what ``CourseConnection.build`` and the result types' resolvers give (see
``api/search/results.py``). Sources: ``CourseConnection`` and ``PageInfo`` read a
:class:`core.search.service.RawPage`; ``CourseEdge`` an :class:`EdgeSource`;
``CourseHighlights`` Meilisearch's ``_formatted`` dict; ``InterpretedPlace`` and
``SearchRelaxation`` the call's place and relaxation; ``HighlightedText`` a
:class:`core.search.highlight.Highlighted`; ``Facet`` a
:class:`core.search.facets.FacetResult`; ``FacetValue`` a
:class:`core.search.facets.FacetValueCount` with the value as the API spells it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from api.search.results import _ENUM_VALUED, MAX_FACET_VALUES
from core.search import facets as core_facets
from core.search.attributes import Facet
from core.search.highlight import Highlighted, split_marks
from core.search.service import RawPage

from .course_fields import COURSE_TYPES
from .plan import Fallback, Getter, Projection, inline


def _i(expression: str) -> Getter:
    return inline(expression, globals())


@dataclass(frozen=True, slots=True)
class EdgeSource:
    page: RawPage
    position: int
    doc: dict[str, Any]


def _edges(page: RawPage, p: Projection, a: Any) -> list[EdgeSource]:
    return [EdgeSource(page, position, doc) for position, doc in enumerate(page.documents)]


def _distance(e: EdgeSource, p: Projection, a: Any) -> float | None:
    distance = e.page.distance_km(e.doc)
    return None if distance is None else round(distance, 3)


def _highlights(e: EdgeSource, p: Projection, a: Any) -> dict[str, Any] | None:
    formatted = e.doc.get("_formatted")
    return formatted if isinstance(formatted, dict) else None


def _marked(name: str) -> Getter:
    def get(formatted: dict[str, Any], p: Projection, a: Any) -> Highlighted | None:
        value = formatted.get(name)
        return split_marks(value) if isinstance(value, str) else None
    return get


def _cursor_at(page: RawPage, position: int) -> str | None:
    return page.cursor(position) if page.documents else None


def _timestamp_date(value: float | None) -> str | None:
    if value is None:
        return None
    return datetime.datetime.fromtimestamp(value, datetime.UTC).date().isoformat()


def _values(result: core_facets.FacetResult, p: Projection, a: Any
            ) -> list[core_facets.FacetValueCount]:
    first = a["first"]
    if not 0 <= first <= MAX_FACET_VALUES:
        raise Fallback("facet values: first out of range")  # graphql-core reports it
    values = result.values
    shown = list(values[:first]) + [v for v in values[first:] if v.selected]
    if result.facet in _ENUM_VALUED:  # a handful of values, spelled as GraphQL enums
        return [core_facets.FacetValueCount(v.value.upper(), v.label, v.count, v.selected)
                for v in shown]
    return shown


RESULT_TYPES: dict[str, dict[str, Getter]] = {
    "CourseConnection": {
        "edges": _edges,
        "pageInfo": _i("src"),
        "totalCount": _i("src.total_count"),
        "facets": _i("src.facets"),
        "interpretedPlace": _i("src.call.place"),
        "relaxation": _i("src.call.relaxation"),
        "didYouMean": _i("list(src.did_you_mean)"),
    },
    "InterpretedPlace": {  # a core.search.places.PlaceInterpretation
        "kind": _i("src.place.kind.name"),
        "code": _i("src.place.code"),
        "name": _i("src.place.name"),
        "nameEn": _i("src.place.name_en"),
        "matchedText": _i("src.matched"),
        "query": _i("src.query"),
    },
    "SearchRelaxation": {  # a core.search.relaxation.Relaxation
        "kind": _i("src.kind.name"),
        "occupationCodes": _i("list(src.occupations)"),
        "words": _i("list(src.words)"),
        "regionCode": _i("src.region"),
    },
    "PageInfo": {
        "hasNextPage": _i("src.has_next_page"),
        "hasPreviousPage": _i("src.has_previous_page"),
        "startCursor": _i("_cursor_at(src, 0)"),
        "endCursor": _i("_cursor_at(src, len(src.documents) - 1)"),
    },
    "CourseEdge": {
        "cursor": _i("src.page.cursor(src.position)"),
        "node": _i("src.doc"),
        "distanceKm": _distance,
        "highlights": _highlights,
    },
    "CourseHighlights": {
        "title": _marked("title"),
        "titleEn": _marked("titleEn"),
        "description": _marked("description"),
        "descriptionEn": _marked("descriptionEn"),
    },
    "HighlightedText": {
        "text": _i("src.text"),
        "html": _i("src.html()"),
        "fragments": _i("src.fragments"),
    },
    "TextFragment": {
        "text": _i("src.text"),
        "matched": _i("src.matched"),
    },
    "Facet": {
        "attribute": _i("src.facet.name"),
        "values": _values,
        "min": _i("src.minimum"),
        "max": _i("src.maximum"),
        "minDate": lambda r, p, a: _timestamp_date(r.minimum)
        if r.facet is Facet.START_DATE else None,
        "maxDate": lambda r, p, a: _timestamp_date(r.maximum)
        if r.facet is Facet.START_DATE else None,
    },
    "FacetValue": {
        "value": _i("src.value"),
        "label": _i("src.label"),
        "count": _i("src.count"),
        "selected": _i("src.selected"),
    },
}

SEARCH_TYPES: dict[str, dict[str, Getter]] = {**RESULT_TYPES, **COURSE_TYPES}
