"""The course search service: typed request in, plain dataclasses out.

Each public method sends at most one batch of queries, through the :data:`Runner` it is
given; the API's runner merges the batches of one GraphQL request into one multi-search.
The one exception is a course search whose text found nothing (a dead end): it sends one
more batch, the relaxed search (see :mod:`core.search.understanding`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from core.errors import InputError
from core.reference import Reference
from core.search.attributes import Attribute, Facet
from core.search.cursor import decode_cursor, encode_cursor, fingerprint
from core.search.documents import (
    CourseRecord,
    Highlights,
    course_from_document,
    highlights_from_hit,
    retrieval_list,
)
from core.search.facets import (
    FacetPlan,
    FacetResult,
    FacetValueCount,
    plan_facets,
    read_facets,
    total_hits,
)
from core.search.filters import build_filter_plan, equals, upcoming_bound
from core.search.geo import distance_from
from core.search.highlight import search_parameters
from core.search.labels import Labeller
from core.search.lookup import FacetValueLookup
from core.search.meili import Query, Runner
from core.search.model import SearchRequest
from core.search.places import PlaceInterpretation
from core.search.providers import ProviderDirectory
from core.search.relaxation import Relaxation
from core.search.sorting import sort_expression
from core.search.suggest import OccupationTerms, Suggestion, read_suggestions, suggestion_query
from core.search.understanding import (
    DEFAULT_UNDERSTANDING,
    Reader,
    Understanding,
    relaxed_request,
)
from core.search.validation import (
    validate_course_id,
    validate_organisation_number,
    validate_page_size,
    validate_query,
    validate_request,
)
from core.search.vocabulary import Language

MAX_SUGGESTIONS = 20


@dataclass(frozen=True, slots=True)
class Hit:
    """One result: the course, its cursor, its distance from ``near`` and its highlights."""

    course: CourseRecord
    cursor: str
    distance_km: float | None
    highlights: Highlights | None


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: tuple[Hit, ...]
    total_count: int
    has_next_page: bool
    has_previous_page: bool
    facets: tuple[FacetResult, ...]
    place: PlaceInterpretation | None = None
    relaxation: Relaxation | None = None
    did_you_mean: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Provider:
    organisation_number: str
    name: str


@dataclass(frozen=True, slots=True)
class SearchCall:
    """The queries of one search and what is needed to read their results."""

    request: SearchRequest
    queries: tuple[Query, ...]
    facet_plan: FacetPlan
    offset: int
    search_fingerprint: str
    distance_to: Callable[[float, float], float] | None  # from ``near``'s centre
    place: PlaceInterpretation | None = None  # the place understood in the text
    relaxation: Relaxation | None = None  # set on the relaxed search of a dead end
    # Unix time until which the answer is exact: "upcoming" study visits are those after it
    # (``core.search.filters.upcoming_bound``); a cached answer is not served after it.
    fresh_until: float = math.inf


@dataclass(frozen=True, slots=True)
class RawPage:
    """A page whose hits are Meilisearch's documents themselves (for the compiled path)."""

    call: SearchCall
    documents: list[dict[str, Any]]
    total_count: int
    has_next_page: bool
    has_previous_page: bool
    facets: tuple[FacetResult, ...]
    did_you_mean: tuple[str, ...] = ()  # job titles spelled like a text that found nothing

    @property
    def dead_end(self) -> bool:
        """Nothing found for a text, and no relaxed search tried yet."""
        call = self.call
        return (self.total_count == 0 and call.relaxation is None
                and bool(call.request.query.strip()))

    def cursor(self, position: int) -> str:
        return encode_cursor(self.call.search_fingerprint, self.call.offset + position)

    def distance_km(self, doc: dict[str, Any]) -> float | None:
        distance_to = self.call.distance_to
        if distance_to is None:
            return None
        geo = doc["_geo"]
        return distance_to(float(geo["lat"]), float(geo["lng"]))


class SearchService:
    """Long-lived (one per process); holds the label tables and matchers built at start-up."""

    def __init__(self, reference: Reference, providers: ProviderDirectory, max_page_size: int,
                 clock: Callable[[], float] = time.time,
                 understanding: Understanding = DEFAULT_UNDERSTANDING) -> None:
        self.reference = reference
        self.providers = providers
        self.max_page_size = max_page_size
        self.clock = clock
        self.reader = Reader(reference, understanding)
        self.labeller = Labeller(reference, providers)
        self.lookup = FacetValueLookup(self.labeller)
        self.occupation_terms = OccupationTerms(reference)

    # -- course search ---------------------------------------------------------------

    def plan_search(self, request: SearchRequest, scope: Sequence[str] = (),
                    relaxation: Relaxation | None = None) -> SearchCall:
        """Validate a request and build its queries (no I/O); with ``relaxation``, the
        relaxed search of a dead end instead (its cursors are the search's own)."""
        circle = validate_request(request, self.reference, self.max_page_size)
        place = self.reader.place(request, scope)
        if place is not None:
            request = self.reader.restricted(request, place)
            circle = validate_request(request, self.reference, self.max_page_size)
        search_fingerprint = fingerprint(request.query, request.filter, request.near,
                                         request.sort, tuple(scope))
        offset = 0
        if request.after is not None:
            offset = decode_cursor(request.after, search_fingerprint) + 1
        if relaxation is not None:
            request = relaxed_request(request, relaxation)
        now_ts = upcoming_bound(self.clock())
        plan = build_filter_plan(request.filter, circle, now_ts, scope)
        facet_plan = plan_facets(plan, request.facets, now_ts)
        attributes = request.attributes
        if attributes is not None and circle is not None:
            attributes = attributes | {"_geo"}  # for the distance
        main: Query = {
            "q": request.query,
            "attributesToRetrieve": retrieval_list(attributes),
            **_paging(offset, request.first),
        }
        strategy = self.reader.understanding.matching_strategy
        if strategy != "last":  # Meilisearch's default
            main["matchingStrategy"] = strategy
        expression = plan.expression()
        if expression is not None:
            main["filter"] = expression
        sort = sort_expression(request.sort, circle)
        if sort:
            main["sort"] = sort
        if facet_plan.main_attributes:
            main["facets"] = list(facet_plan.main_attributes)
        if request.highlights and request.query.strip():
            main.update(search_parameters(request.highlights))
        extra = [{"q": request.query, **body} for _, body in facet_plan.extra]
        return SearchCall(request, (main, *extra), facet_plan, offset, search_fingerprint,
                          None if circle is None else distance_from(circle.centre), place,
                          relaxation, now_ts)

    def relaxed(self, page: RawPage) -> SearchCall | None:
        """The relaxed search of a dead end (no I/O), or None when there is none to try."""
        call = page.call
        if not page.dead_end:
            return None
        relaxation = self.reader.relaxation(call.request, call.place)
        if relaxation is None:
            return None
        # The request as planned (place words removed, place restricted), planned anew.
        relaxed = self.plan_search(replace(call.request, interpret_place=False), (), relaxation)
        return replace(relaxed, place=call.place)

    def read_search_raw(self, call: SearchCall, results: Sequence[dict[str, Any]],
                        facet_values: int | None = None) -> RawPage:
        """The page of a planned search with its documents as Meilisearch sent them; with
        ``facet_values``, only that many values of each facet (and the selected ones)."""
        main, *extra = results
        documents: list[dict[str, Any]] = main["hits"]
        total = total_hits(main)
        request = call.request
        facets = read_facets(request.facets, call.facet_plan, main, extra, request.filter,
                             self.labeller, request.language, facet_values)
        return RawPage(
            call=call,
            documents=documents,
            total_count=total,
            has_next_page=len(documents) == request.first and call.offset + len(documents) < total,
            has_previous_page=call.offset > 0,
            facets=tuple(facets),
            did_you_mean=self.reader.did_you_mean(request, total),
        )

    def _page(self, raw: RawPage) -> SearchPage:
        hits = tuple(
            Hit(course_from_document(doc), raw.cursor(position), raw.distance_km(doc),
                highlights_from_hit(doc))
            for position, doc in enumerate(raw.documents)
        )
        return SearchPage(hits=hits, total_count=raw.total_count,
                          has_next_page=raw.has_next_page,
                          has_previous_page=raw.has_previous_page, facets=raw.facets,
                          place=raw.call.place, relaxation=raw.call.relaxation,
                          did_you_mean=raw.did_you_mean)

    async def search(self, request: SearchRequest, run: Runner,
                     scope: Sequence[str] = ()) -> SearchPage:
        """One search; a dead end gets one more, relaxed search (see :meth:`relaxed`)."""
        call = self.plan_search(request, scope)
        raw = self.read_search_raw(call, await run(call.queries))
        relaxed = self.relaxed(raw) if not scope else None
        if relaxed is not None:
            raw = self.read_search_raw(relaxed, await run(relaxed.queries))
        return self._page(raw)

    # -- single records --------------------------------------------------------------

    async def course(self, course_id: str, run: Runner,
                     attributes: frozenset[str] | None = None) -> CourseRecord | None:
        """A course by id; only ``attributes`` (default: all) are retrieved."""
        validate_course_id(course_id)
        (result,) = await run([{
            "q": "",
            "filter": equals(Attribute.ID, course_id),
            "limit": 1,
            "attributesToRetrieve": retrieval_list(attributes),
        }])
        hits = result["hits"]
        return course_from_document(hits[0]) if hits else None

    def provider(self, organisation_number: str) -> Provider | None:
        """A provider with courses in the index (from the directory; no query)."""
        validate_organisation_number(organisation_number)
        name = self.providers.name(organisation_number)
        return None if name is None else Provider(organisation_number, name)

    async def provider_courses(self, organisation_number: str, request: SearchRequest,
                               run: Runner) -> SearchPage:
        validate_organisation_number(organisation_number)
        scope = [equals(Attribute.PROVIDER_ORG_NUMBER, organisation_number)]
        return await self.search(request, run, scope)

    # -- type-ahead ------------------------------------------------------------------

    async def facet_values(self, facet: Facet, text: str, request: SearchRequest,
                           limit: int, run: Runner) -> list[FacetValueCount]:
        """Values of ``facet`` whose label matches ``text``, counted within the search."""
        validate_query(text, "text")
        validate_page_size(limit, self.max_page_size, "first")
        circle = validate_request(request, self.reference, self.max_page_size)
        plan = build_filter_plan(request.filter, circle, upcoming_bound(self.clock()))
        call = self.lookup.plan(facet, text, plan, request.query)
        if call is None:
            return []
        (result,) = await run([call.query])
        return self.lookup.read(call, result, request.filter, limit, request.language)

    async def suggestions(self, prefix: str, limit: int, language: Language, run: Runner
                          ) -> list[Suggestion]:
        validate_query(prefix, "prefix")
        if not 1 <= limit <= MAX_SUGGESTIONS:
            raise InputError("first", f"must be from 1 to {MAX_SUGGESTIONS}")
        if not prefix.strip():
            return []
        (result,) = await run([suggestion_query(prefix, limit)])
        return read_suggestions(prefix, result, self.occupation_terms, limit, language)


def _paging(offset: int, first: int) -> dict[str, int]:
    """Page mode (exact total) when the offset is a whole number of pages, else offset mode."""
    if first == 0:
        return {"page": 1, "hitsPerPage": 0}
    if offset % first == 0:
        return {"page": offset // first + 1, "hitsPerPage": first}
    return {"offset": offset, "limit": first}

