"""The study-visit search service: a typed request in, a :class:`VisitPage` out.

One search is one Meilisearch multi-search on the visit index (the page, and one query per
disjunctive facet with a selection), one search of the course index for the page's courses,
and Redis reads: the seats taken of the page's visits, and (only for "seats left") before
the search the upcoming visits with registrations and their seats taken. Seats are never
cached, so a taken seat shows at once. Every call has the shared clients' deadlines
(``MEILI_TIMEOUT_SECONDS`` on the search path's Meilisearch client,
``REDIS_TIMEOUT_SECONDS`` on each Redis command); a call that fails or passes its
deadline is :class:`ServiceUnavailable`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.errors import InputError, ServiceUnavailable
from core.meili_filter import quote_list
from core.reference import Reference
from core.search.cursor import decode_cursor, encode_cursor, fingerprint
from core.search.documents import (
    Address,
    CourseRecord,
    Visit,
    course_from_document,
    retrieval_list,
)
from core.search.facets import total_hits
from core.search.geo import distance_from, geo_point_sort
from core.search.meili import multi_search_body
from core.search.model import GeoCircle
from core.search.validation import (
    MAX_VALUES_PER_FILTER,
    resolve_near,
    validate_codes,
    validate_page_size,
    validate_query,
)
from core.visits import keys
from core.visits.seats import seats_taken
from core.visitsearch.filters import base_clauses, expression, facet_clauses, full_visits_clause
from core.visitsearch.model import (
    TIMES_OF_DAY,
    FacetCount,
    VisitFacet,
    VisitFacetResult,
    VisitHit,
    VisitPage,
    VisitSearchRequest,
    VisitSort,
    visit_index_uid,
)

T = TypeVar("T")
# ``MeiliHttp.post``: the path and JSON body in; status, headers and body out.
Post = Callable[[str, bytes], Awaitable[tuple[int, dict[str, str], bytes]]]
VISIT_ID_SEPARATOR = "~"  # as in indexer.documents.study_visit_id
RETRIEVED = ["visitId", "courseId", "start", "weekday", "timeOfDay", "durationMinutes",
             "capacity", "address", "_geo", "registrationClosesHoursBefore"]


@dataclass(frozen=True, slots=True)
class _Plan:
    queries: list[dict[str, Any]]
    extra_facets: tuple[VisitFacet, ...]  # one extra query each, in order
    offset: int
    search_fingerprint: str


class VisitSearchService:
    """Long-lived (one per process)."""

    def __init__(self, reference: Reference, max_page_size: int,
                 clock: Callable[[], float] = time.time,
                 default_closes_hours: int = 24) -> None:
        self.reference = reference
        self.max_page_size = max_page_size
        self.clock = clock
        self.default_closes_hours = default_closes_hours  # REGISTRATION_CLOSES_HOURS_BEFORE

    def validate(self, request: VisitSearchRequest) -> GeoCircle | None:
        """Check every argument before any I/O; the resolved ``near`` circle, if any."""
        validate_query(request.query)
        validate_page_size(request.first, self.max_page_size)
        where = request.filter
        for facet in VisitFacet:
            if len(where.selected(facet)) > MAX_VALUES_PER_FILTER:
                raise InputError("filter", f"at most {MAX_VALUES_PER_FILTER} values per facet")
        validate_codes(where, self.reference)
        if any(not 1 <= day <= 7 for day in where.weekdays):
            raise InputError("filter.weekdays", "ISO weekdays: 1 (Monday) to 7 (Sunday)")
        if any(value not in TIMES_OF_DAY for value in where.times_of_day):
            raise InputError("filter.timesOfDay", "one of morning, afternoon, evening")
        if where.date_from and where.date_to and where.date_from > where.date_to:
            raise InputError("filter.dates", "'from' is after 'to'")
        circle = resolve_near(request.near, self.reference) if request.near else None
        if request.sort is VisitSort.DISTANCE and circle is None:
            raise InputError("sort", "sorting by DISTANCE needs the 'near' argument")
        return circle

    def plan(self, request: VisitSearchRequest, circle: GeoCircle | None,
             taken: dict[str, int]) -> _Plan:
        """The queries of a validated search (no I/O)."""
        search_fingerprint = fingerprint("visits", request.query, request.filter, request.near,
                                         request.sort)
        offset = 0
        if request.after is not None:
            offset = decode_cursor(request.after, search_fingerprint) + 1
        where = request.filter
        base = base_clauses(where, circle, int(self.clock()), full_visits_clause(taken),
                            self.default_closes_hours)
        main: dict[str, Any] = {
            "q": request.query,
            "filter": expression(base + facet_clauses(where)),
            "attributesToRetrieve": RETRIEVED,
            **_paging(offset, request.first),
        }
        if request.sort is VisitSort.START_TIME:
            main["sort"] = ["startTs:asc"]
        elif request.sort is VisitSort.DISTANCE and circle is not None:
            main["sort"] = [geo_point_sort(circle.centre), "startTs:asc"]
        plain = [f for f in request.facets if not where.selected(f)]
        extra = tuple(f for f in request.facets if where.selected(f))
        if plain:
            main["facets"] = [f.value for f in plain]
        queries = [main]
        for facet in extra:
            queries.append({
                "q": request.query,
                "filter": expression(base + facet_clauses(where, leave_out=facet)),
                "facets": [facet.value],
                "limit": 0,
            })
        return _Plan(queries, extra, offset, search_fingerprint)

    async def search(self, request: VisitSearchRequest, meili: Post, redis: Redis,
                     course_index_uid: str, course_attributes: frozenset[str] | None = None
                     ) -> VisitPage:
        """One page of visits; ``course_index_uid`` names the course index (and so the
        visit index beside it); only ``course_attributes`` (default: all) of the page's
        courses are read."""
        circle = self.validate(request)
        taken: dict[str, int] = {}
        if request.filter.only_with_seats_left:
            taken = await _registered_seats(redis, int(self.clock()))
        plan = self.plan(request, circle, taken)
        main, *extra = await _multi_search(meili, visit_index_uid(course_index_uid),
                                           plan.queries)
        documents: list[dict[str, Any]] = main["hits"]
        page_taken, courses = await asyncio.gather(
            _guarded(seats_taken(redis, [doc["visitId"] for doc in documents])),
            _courses(meili, course_index_uid, {doc["courseId"] for doc in documents},
                     course_attributes))
        distance_to = distance_from(circle.centre) if circle is not None else None
        # A course written a moment before its visits (a plain load writes the course index
        # first) is left out rather than shown half.
        hits = tuple(
            _hit(doc, courses[doc["courseId"]], page_taken.get(doc["visitId"], 0), distance_to,
                 encode_cursor(plan.search_fingerprint, plan.offset + position))
            for position, doc in enumerate(documents) if doc["courseId"] in courses
        )
        total = total_hits(main)
        facets = [_facet(f, main) for f in request.facets if f not in plan.extra_facets]
        facets += [_facet(f, result) for f, result in zip(plan.extra_facets, extra, strict=True)]
        order = {facet: i for i, facet in enumerate(request.facets)}
        return VisitPage(
            hits=hits,
            total_count=total,
            has_next_page=plan.offset + len(hits) < total and len(hits) == request.first,
            has_previous_page=plan.offset > 0,
            facets=tuple(sorted(facets, key=lambda r: order[r.facet])),
        )


def _hit(doc: dict[str, Any], course: CourseRecord, taken: int,
         distance_to: Callable[[float, float], float] | None, cursor: str) -> VisitHit:
    lat, lon = float(doc["_geo"]["lat"]), float(doc["_geo"]["lng"])
    address = doc["address"]
    visit = Visit(
        id=doc["visitId"], visit_id=doc["visitId"].rsplit(VISIT_ID_SEPARATOR, 1)[-1],
        start=datetime.fromisoformat(doc["start"]),
        duration_minutes=int(doc["durationMinutes"]), capacity=int(doc["capacity"]),
        address=Address(address["street"], address["postalCode"], address["city"]),
        registration_closes_hours_before=doc.get("registrationClosesHoursBefore"),
    )
    return VisitHit(
        visit=visit, course=course, weekday=int(doc["weekday"]), time_of_day=doc["timeOfDay"],
        seats_left=max(0, visit.capacity - taken),
        distance_km=None if distance_to is None else distance_to(lat, lon), cursor=cursor,
    )


async def _courses(meili: Post, course_index_uid: str, ids: set[str],
                   attributes: frozenset[str] | None) -> dict[str, CourseRecord]:
    """The page's courses from the course index, in one request."""
    if not ids:
        return {}
    (result,) = await _multi_search(meili, course_index_uid, [
        {"q": "", "filter": f"id IN {quote_list(sorted(ids))}", "limit": len(ids),
         "attributesToRetrieve": retrieval_list(attributes)}])
    return {doc["id"]: course_from_document(doc) for doc in result["hits"]}


def _facet(facet: VisitFacet, result: dict[str, Any]) -> VisitFacetResult:
    counts: dict[str, int] = result.get("facetDistribution", {}).get(facet.value, {})
    values = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return VisitFacetResult(facet, tuple(FacetCount(v, c) for v, c in values))


def _paging(offset: int, first: int) -> dict[str, int]:
    """Page mode (exact total) when the offset is a whole number of pages, else offset mode."""
    if first == 0:
        return {"page": 1, "hitsPerPage": 0}
    if offset % first == 0:
        return {"page": offset // first + 1, "hitsPerPage": first}
    return {"offset": offset, "limit": first}


async def _multi_search(meili: Post, index_uid: str, queries: list[dict[str, Any]]
                        ) -> list[dict[str, Any]]:
    try:
        status, _, body = await meili("/multi-search", multi_search_body(index_uid, queries))
    except (OSError, TimeoutError) as exc:
        raise ServiceUnavailable("search") from exc
    if status != 200:
        raise ServiceUnavailable("search")
    results: list[dict[str, Any]] = orjson.loads(body)["results"]
    return results


async def _guarded(call: Awaitable[T]) -> T:
    try:
        return await call
    except (RedisError, OSError, TimeoutError) as exc:
        raise ServiceUnavailable("registrations") from exc


async def _registered_seats(redis: Redis, now_ts: int) -> dict[str, int]:
    """Seats taken of every upcoming visit that has registrations (the index of visits with
    registrations is kept by the registration store's scripts)."""
    async def read() -> dict[str, int]:
        ids = [v.decode() if isinstance(v, bytes) else str(v)
               for v in await redis.zrangebyscore(keys.VISITS, now_ts, "+inf")]
        return await seats_taken(redis, ids)
    return await _guarded(read())
