"""Search queries: thin resolvers from GraphQL input to the search service and back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

import strawberry
from strawberry.types import Info
from strawberry.types.nodes import Selection

from api.context import Context
from api.search import enums
from api.search.course import Course
from api.search.enums import to_core
from api.search.inputs import CourseFilterInput, NearInput, filter_to_core, near_to_core
from api.search.loaders import meili_runner
from api.search.reference import ReferenceQuery
from api.search.results import CourseConnection, FacetValue, Suggestion
from api.search.runtime import search_runtime
from api.search.selection import NamesAt, selected_course_attributes, selected_names
from core.search.attributes import Facet
from core.search.highlight import HIGHLIGHTABLE, HIGHLIGHTED
from core.search.model import SearchRequest, SortOrder
from core.search.vocabulary import Language

DEFAULT_PAGE_SIZE = 20


def _arg(description: str) -> Any:
    return strawberry.argument(description=description)


QueryText = Annotated[str, _arg("Free text in Swedish or English; typo-tolerant.")]
FilterArg = Annotated[CourseFilterInput | None, _arg("Facet selections.")]
NearArg = Annotated[NearInput | None, _arg("Only courses within a radius; results carry "
                                           "their distance.")]
SortArg = Annotated[enums.CourseSort, _arg("Order of the results.")]
FirstArg = Annotated[int, _arg("Page size (at most the configured cap).")]
AfterArg = Annotated[str | None, _arg("Cursor of the result before this page.")]
FacetsArg = Annotated[list[enums.FacetAttribute] | None,
                      _arg("Facets to count when 'facets' is selected (default: all).")]
LanguageArg = Annotated[enums.Language, _arg("Language of labels.")]
InterpretPlaceArg = Annotated[bool, _arg(
    "Search a municipality or region named in the text as a place (see "
    "'interpretedPlace'); false searches its words as text.")]


@dataclass(frozen=True, slots=True)
class SearchSelection:
    """What a search's selection asks the service for: facets, highlights, node attributes.

    Read from the field's first node with fragments followed and ``@skip``/``@include``
    applied (a "load more" that leaves out ``facets`` counts none), the same for the
    resolver and the compiled path, so that both send Meilisearch the same queries.
    """

    facets: bool
    highlights: frozenset[str]  # attributes to mark matches in; empty: no highlights
    attributes: frozenset[str]  # of the selected Course fields

    @classmethod
    def read(cls, names_at: NamesAt) -> SearchSelection:
        """The selection of a ``CourseConnection``, read with ``names_at``."""
        highlights: frozenset[str] = frozenset()
        if "highlights" in names_at(("edges",)):
            # Meilisearch sends a hit's highlighted copy only when it marks something.
            highlights = frozenset(
                name for name in names_at(("edges", "highlights")) if name in HIGHLIGHTABLE
            ) or frozenset({HIGHLIGHTED[0]})
        return cls("facets" in names_at(()), highlights,
                   selected_course_attributes(lambda path: names_at(("edges", "node", *path))))

    @classmethod
    def of(cls, selections: Iterable[Selection]) -> SearchSelection:
        selections = list(selections)
        return cls.read(lambda path: selected_names(selections, path))


def search_request(
    selection: SearchSelection,
    query: str = "",
    filter: CourseFilterInput | None = None,
    near: NearInput | None = None,
    sort: enums.CourseSort = enums.CourseSort.RELEVANCE,
    first: int = DEFAULT_PAGE_SIZE,
    after: str | None = None,
    facets: list[enums.FacetAttribute] | None = None,
    language: enums.Language = enums.Language.SV,
    interpret_place: bool = True,
) -> SearchRequest:
    """The core request of ``searchCourses`` with these (converted) arguments."""
    wanted: tuple[Facet, ...] = ()
    if selection.facets:
        chosen = facets if facets is not None else list(enums.FacetAttribute)
        wanted = tuple(to_core(f, Facet) for f in chosen)
    return SearchRequest(
        query=query,
        filter=filter_to_core(filter),
        near=near_to_core(near),
        sort=to_core(sort, SortOrder),
        first=first,
        after=after,
        facets=wanted,
        language=to_core(language, Language),
        highlights=selection.highlights,
        attributes=selection.attributes,
        interpret_place=interpret_place,
    )


@strawberry.type(description="A training provider with courses in the index.")
class Provider:
    organisation_number: str = strawberry.field(
        description="National identifier: Swedish organisation number NNNNNN-NNNN, Danish "
                    "CVR number (8 digits), Norwegian organisation number (9 digits).")
    name: str = strawberry.field(description="Name.")

    @strawberry.field(description="The provider's courses, one page at a time.")
    async def courses(
        self,
        info: Info[Context, None],
        first: FirstArg = DEFAULT_PAGE_SIZE,
        after: AfterArg = None,
        sort: SortArg = enums.CourseSort.START_DATE_ASC,
    ) -> CourseConnection:
        service = search_runtime(info).service
        selections = info.selected_fields[0].selections
        request = SearchRequest(first=first, after=after, sort=to_core(sort, SortOrder),
                                attributes=selected_course_attributes(
                                    lambda path: selected_names(selections, ("edges", "node",
                                                                             *path))))
        page = await service.provider_courses(self.organisation_number, request,
                                              meili_runner(info))
        return CourseConnection.build(page, info.context.resources.reference)


@strawberry.type(description="Course search, course details and reference data.")
class SearchQuery(ReferenceQuery):
    @strawberry.field(description="Search courses by text, facets and place; with facet "
                                  "counts, highlights and Relay paging.")
    async def search_courses(
        self,
        info: Info[Context, None],
        query: QueryText = "",
        filter: FilterArg = None,
        near: NearArg = None,
        sort: SortArg = enums.CourseSort.RELEVANCE,
        first: FirstArg = DEFAULT_PAGE_SIZE,
        after: AfterArg = None,
        facets: FacetsArg = None,
        language: LanguageArg = enums.Language.SV,
        interpret_place: InterpretPlaceArg = True,
    ) -> CourseConnection:
        service = search_runtime(info).service
        request = search_request(SearchSelection.of(info.selected_fields[0].selections),
                                 query, filter, near, sort, first, after, facets, language,
                                 interpret_place)
        page = await service.search(request, meili_runner(info))
        return CourseConnection.build(page, info.context.resources.reference)

    @strawberry.field(description="A course by id, with every field of its feed record.")
    async def course(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, _arg("The course's service-wide id.")],
    ) -> Course | None:
        selections = info.selected_fields[0].selections
        record = await search_runtime(info).service.course(
            str(id), meili_runner(info),
            selected_course_attributes(lambda path: selected_names(selections, path)))
        return None if record is None else Course.build(record, info.context.resources.reference)

    @strawberry.field(description="A training provider by organisation number, with its "
                                  "courses; null when it has none in the index.")
    def provider(
        self,
        info: Info[Context, None],
        organisation_number: Annotated[str, _arg(
            "Organisation number NNNNNN-NNNN, CVR number or Norwegian organisation number.")],
    ) -> Provider | None:
        found = search_runtime(info).service.provider(organisation_number)
        return None if found is None else Provider(
            organisation_number=found.organisation_number, name=found.name)

    @strawberry.field(description="Values of a facet whose label matches typed text (e.g. "
                                  "'Lund' among providers or municipalities), counted within "
                                  "the search given.")
    async def facet_values(
        self,
        info: Info[Context, None],
        attribute: Annotated[enums.FacetAttribute, _arg("The facet.")],
        text: Annotated[str, _arg("The typed text: prefixes of label words.")],
        query: Annotated[str, _arg("The search's text.")] = "",
        filter: FilterArg = None,
        near: NearArg = None,
        first: Annotated[int, _arg("Most values to return.")] = 10,
        language: LanguageArg = enums.Language.SV,
    ) -> list[FacetValue]:
        facet = to_core(attribute, Facet)
        request = SearchRequest(query=query, filter=filter_to_core(filter),
                                near=near_to_core(near), first=0,
                                language=to_core(language, Language))
        values = await search_runtime(info).service.facet_values(
            facet, text, request, first, meili_runner(info))
        return [FacetValue.build(facet, value) for value in values]

    @strawberry.field(description="Autocomplete for the search box: occupations with courses "
                                  "and course titles.")
    async def suggestions(
        self,
        info: Info[Context, None],
        prefix: Annotated[str, _arg("What the user has typed so far.")],
        first: Annotated[int, _arg("Most suggestions (1-20).")] = 8,
        language: Annotated[enums.Language, _arg(
            "Preferred language of occupation names and course titles.")] = (
            enums.Language.SV),
    ) -> list[Suggestion]:
        found = await search_runtime(info).service.suggestions(
            prefix, first, to_core(language, Language), meili_runner(info))
        return [Suggestion.build(s) for s in found]
