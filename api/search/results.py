"""GraphQL types of search results: the course connection, facets, highlights, suggestions."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from api.search import enums
from api.search.course import Course
from api.search.enums import from_core
from api.search.understanding import InterpretedPlace, SearchRelaxation
from core.errors import InputError
from core.reference import Reference
from core.search import facets as core_facets
from core.search import highlight, service, suggest
from core.search.attributes import Facet as CoreFacet

# Facets whose values are enum members: shown by the GraphQL enum's names.
_ENUM_VALUED = frozenset({CoreFacet.PROGRAMME_TYPE, CoreFacet.PACE, CoreFacet.SCHEDULE,
                          CoreFacet.DELIVERY})


@strawberry.type(description="A piece of highlighted text.")
class TextFragment:
    text: str = strawberry.field(description="The text.")
    matched: bool = strawberry.field(description="True when it matched the query.")


@strawberry.type(description="Text with the words that matched the query marked.")
class HighlightedText:
    value: strawberry.Private[highlight.Highlighted]

    @strawberry.field(description="The plain text.")
    def text(self) -> str:
        return self.value.text

    @strawberry.field(description="The text HTML-escaped, with matches wrapped in <mark>.")
    def html(self) -> str:
        return self.value.html()

    @strawberry.field(description="The text as matched and unmatched fragments.")
    def fragments(self) -> list[TextFragment]:
        return [TextFragment(text=f.text, matched=f.matched) for f in self.value.fragments]

    @classmethod
    def build(cls, value: highlight.Highlighted | None) -> HighlightedText | None:
        return None if value is None else cls(value=value)


@strawberry.type(description="Where a result matched the query text.")
class CourseHighlights:
    title: HighlightedText | None = strawberry.field(description="The Swedish title.")
    title_en: HighlightedText | None = strawberry.field(description="The English title.")
    description: HighlightedText | None = strawberry.field(
        description="A snippet of the Swedish description around the matches.")
    description_en: HighlightedText | None = strawberry.field(
        description="A snippet of the English description around the matches.")


@strawberry.type(description="One search result.")
class CourseEdge:
    cursor: str = strawberry.field(description="Opaque cursor of this result, for 'after'.")
    node: Course = strawberry.field(description="The course.")
    distance_km: float | None = strawberry.field(
        description="Distance in km from the 'near' centre to the course's location (for a "
                    "distance course, its provider's office); null without 'near'.")
    highlights: CourseHighlights | None = strawberry.field(
        description="Matches of the query text; null without query text.")


@strawberry.type(description="Paging information (Relay).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More results follow this page.")
    has_previous_page: bool = strawberry.field(description="Results precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first result.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last result; pass "
                                                          "it as 'after' for the next page.")


@strawberry.type(description="A value of a facet and how many results have it.")
class FacetValue:
    value: str = strawberry.field(description="The value, as given in the filter.")
    label: str = strawberry.field(description="Human label in the requested language.")
    count: int = strawberry.field(
        description="Results with this value, counting as if this facet had no selection.")
    selected: bool = strawberry.field(description="True when the filter selects this value.")

    @classmethod
    def build(cls, facet: CoreFacet, value: core_facets.FacetValueCount) -> FacetValue:
        shown = value.value.upper() if facet in _ENUM_VALUED else value.value
        return cls(value=shown, label=value.label, count=value.count, selected=value.selected)


DEFAULT_FACET_VALUES = 50
MAX_FACET_VALUES = 300


@strawberry.type(description="The values of one facet in the results.")
class Facet:
    attribute: enums.FacetAttribute = strawberry.field(description="The facet.")
    all_values: strawberry.Private[list[FacetValue]]
    min: float | None = strawberry.field(description="Smallest value (numeric facets).")
    max: float | None = strawberry.field(description="Largest value (numeric facets).")
    min_date: datetime.date | None = strawberry.field(
        description="Earliest start date (the start-date facet).")
    max_date: datetime.date | None = strawberry.field(
        description="Latest start date (the start-date facet).")

    @strawberry.field(description="Values with counts, most frequent first (numeric ones in "
                                  "order), then any selected value not among them; empty for "
                                  "the start date.")
    def values(
        self,
        first: Annotated[int, strawberry.argument(
            description=f"Most values besides the selected ones (0-{MAX_FACET_VALUES}).")
        ] = DEFAULT_FACET_VALUES,
    ) -> list[FacetValue]:
        if not 0 <= first <= MAX_FACET_VALUES:
            raise InputError("first", f"must be from 0 to {MAX_FACET_VALUES}")
        shown = self.all_values[:first]
        return shown + [v for v in self.all_values[first:] if v.selected]

    @classmethod
    def build(cls, result: core_facets.FacetResult) -> Facet:
        is_date = result.facet is CoreFacet.START_DATE
        return cls(
            attribute=from_core(result.facet, enums.FacetAttribute),
            all_values=[FacetValue.build(result.facet, v) for v in result.values],
            min=result.minimum,
            max=result.maximum,
            min_date=_date(result.minimum) if is_date else None,
            max_date=_date(result.maximum) if is_date else None,
        )


def _date(timestamp: float | None) -> datetime.date | None:
    if timestamp is None:
        return None
    return datetime.datetime.fromtimestamp(timestamp, datetime.UTC).date()


@strawberry.type(description="A page of search results (Relay connection) with facets.")
class CourseConnection:
    edges: list[CourseEdge] = strawberry.field(description="The results of this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="Number of results in all pages.")
    facets: list[Facet] = strawberry.field(
        description="Facet counts (disjunctive: a facet's counts ignore its own selection); "
                    "empty unless this field is selected.")
    interpreted_place: InterpretedPlace | None = strawberry.field(
        description="The place the search text named, searched as a place; null when none.")
    relaxation: SearchRelaxation | None = strawberry.field(
        description="Set when the search found nothing as asked and these results come from "
                    "a relaxed search.")
    did_you_mean: list[str] = strawberry.field(
        description="Job titles spelled like the text, when the text found nothing.")

    @classmethod
    def build(cls, page: service.SearchPage, reference: Reference) -> CourseConnection:
        edges = [
            CourseEdge(
                cursor=hit.cursor,
                node=Course.build(hit.course, reference),
                distance_km=None if hit.distance_km is None else round(hit.distance_km, 3),
                highlights=None if hit.highlights is None else CourseHighlights(
                    title=HighlightedText.build(hit.highlights.title),
                    title_en=HighlightedText.build(hit.highlights.title_en),
                    description=HighlightedText.build(hit.highlights.description),
                    description_en=HighlightedText.build(hit.highlights.description_en),
                ),
            )
            for hit in page.hits
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=page.total_count,
            facets=[Facet.build(f) for f in page.facets],
            interpreted_place=InterpretedPlace.build(page.place),
            relaxation=SearchRelaxation.build(page.relaxation),
            did_you_mean=list(page.did_you_mean),
        )


@strawberry.type(description="An autocomplete suggestion for the search box.")
class Suggestion:
    text: str = strawberry.field(description="The suggested search text.")
    kind: enums.SuggestionKind = strawberry.field(description="What it is.")
    occupation_code: str | None = strawberry.field(
        description="The occupation, for occupation suggestions: an SSYK code, or a Danish "
                    "or Norwegian code with the country (\"DK-721200\", the one with the "
                    "most courses of its ISCO-08 group).")
    count: int | None = strawberry.field(
        description="Courses for the occupation matching the typed text.")
    isco_code: str | None = strawberry.field(
        description="ISCO-08 unit group of a Danish or Norwegian occupation suggestion: "
                    "the iscoCodes filter takes it to find every course of the group.")

    @classmethod
    def build(cls, value: suggest.Suggestion) -> Suggestion:
        return cls(text=value.text, kind=from_core(value.kind, enums.SuggestionKind),
                   occupation_code=value.occupation_code, count=value.count,
                   isco_code=value.isco_code)
