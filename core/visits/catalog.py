"""Study visits as the course index has them, read through the pooled HTTP client.

Every value in a filter is quoted with :func:`core.meili_filter.quote`. A Meilisearch that
does not answer within the client's deadline raises ``ServiceUnavailable("search")``;
registration reads its visit from Redis first (``core.visits.visit_records``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from core.errors import ServiceUnavailable
from core.meili_filter import quote, quote_list
from core.outages import SEARCH, search_outage
from core.visits.models import Visit

VISIT_FIELDS = ["id", "title", "titleEn", "providerName", "municipalityName", "contact",
                "occupationCode", "country", "studyVisits"]
MAX_COURSES_PER_LISTING = 1000
RECONCILE_CHUNK = 100


class CatalogUnavailable(RuntimeError):
    """The index could not be read (down, missing, or empty during a rebuild)."""


@dataclass(frozen=True, slots=True)
class VisitFilter:
    """Which visits to list; every field narrows the result."""

    course_id: str | None = None
    region_code: str | None = None
    municipality_code: str | None = None
    start_from: int | None = None
    start_to: int | None = None


async def _search(meili: httpx.AsyncClient, index_uid: str, body: dict[str, Any]
                  ) -> list[dict[str, Any]]:
    """The hits; ``ServiceUnavailable("search")`` when Meilisearch does not answer in time
    (the client's deadline) or answers with a server error."""
    with search_outage():
        response = await meili.post(f"/indexes/{index_uid}/search", json=body)
    if response.status_code >= 500:
        raise ServiceUnavailable(SEARCH)
    response.raise_for_status()
    hits: list[dict[str, Any]] = response.json()["hits"]
    return hits


async def find_visit_document(meili: httpx.AsyncClient, index_uid: str, visit_id: str,
                              fields: list[str] | None = None
                              ) -> tuple[Visit, dict[str, Any]] | None:
    """The visit with this service-wide id and its course document, in one request."""
    body: dict[str, Any] = {"q": "", "filter": f"studyVisitIds = {quote(visit_id)}", "limit": 1}
    if fields is not None:
        body["attributesToRetrieve"] = fields
    for document in await _search(meili, index_uid, body):
        for visit in document.get("studyVisits", []):
            if visit["id"] == visit_id:
                return Visit.from_document(document, visit), document
    return None


async def find_visit(meili: httpx.AsyncClient, index_uid: str, visit_id: str) -> Visit | None:
    """The visit with this service-wide id; ``None`` if no course has it."""
    found = await find_visit_document(meili, index_uid, visit_id, VISIT_FIELDS)
    return None if found is None else found[0]


def visits_of(document: dict[str, Any], where: VisitFilter) -> list[Visit]:
    """The visits of one course document that match the filter's time range."""
    found = []
    for visit in document.get("studyVisits", []):
        start = int(visit["startTs"])
        if where.start_from is not None and start < where.start_from:
            continue
        if where.start_to is not None and start > where.start_to:
            continue
        found.append(Visit.from_document(document, visit))
    return found


async def list_visits(meili: httpx.AsyncClient, index_uid: str, where: VisitFilter
                      ) -> list[tuple[Visit, dict[str, Any]]]:
    """Visits matching the filter with their course documents, by start, in one request.

    Courses are filtered in Meilisearch (course, region, municipality, and having a visit
    in the range); the visits of those courses are then narrowed to the range here. At
    most :data:`MAX_COURSES_PER_LISTING` courses are considered.
    """
    clauses = []
    if where.course_id is not None:
        clauses.append(f"id = {quote(where.course_id)}")
    if where.region_code is not None:
        clauses.append(f"regionCode = {quote(where.region_code)}")
    if where.municipality_code is not None:
        clauses.append(f"municipalityCode = {quote(where.municipality_code)}")
    if where.start_from is not None:
        clauses.append(f"studyVisitStarts >= {quote(where.start_from)}")
    if where.start_to is not None:
        clauses.append(f"studyVisitStarts <= {quote(where.start_to)}")
    body: dict[str, Any] = {"q": "", "limit": MAX_COURSES_PER_LISTING}
    if clauses:
        body["filter"] = " AND ".join(clauses)
    found = [(visit, document)
             for document in await _search(meili, index_uid, body)
             for visit in visits_of(document, where)]
    return sorted(found, key=lambda pair: (pair[0].start_ts, pair[0].id))


async def existing_visit_ids(meili: httpx.AsyncClient, index_uid: str, visit_ids: Iterable[str]
                             ) -> set[str]:
    """Which of these visits the index still has.

    Raises :class:`CatalogUnavailable` when the index cannot be read or is empty, so that
    a caller never takes "not found" from an index that is down or being rebuilt.
    """
    wanted = sorted(set(visit_ids))
    try:
        stats = await meili.get(f"/indexes/{index_uid}/stats")
        if stats.status_code != 200 or int(stats.json().get("numberOfDocuments", 0)) == 0:
            raise CatalogUnavailable(f"index {index_uid!r} is missing or empty")
        found: set[str] = set()
        for start in range(0, len(wanted), RECONCILE_CHUNK):
            chunk = wanted[start : start + RECONCILE_CHUNK]
            hits = await _search(meili, index_uid, {
                "q": "",
                "filter": f"studyVisitIds IN {quote_list(chunk)}",
                "limit": len(chunk),
                "attributesToRetrieve": ["studyVisitIds"],
            })
            for document in hits:
                found.update(document.get("studyVisitIds", []))
    except (httpx.HTTPError, ServiceUnavailable) as exc:
        raise CatalogUnavailable(f"index {index_uid!r} could not be read") from exc
    return found & set(wanted)


async def current_visits(meili: httpx.AsyncClient, index_uid: str, visit_ids: Iterable[str]
                         ) -> dict[str, Visit]:
    """These visits as the index has them now, by id (the ones it no longer has left out).

    Raises :class:`CatalogUnavailable` when the index cannot be read."""
    wanted = sorted(set(visit_ids))
    found: dict[str, Visit] = {}
    try:
        for start in range(0, len(wanted), RECONCILE_CHUNK):
            chunk = wanted[start : start + RECONCILE_CHUNK]
            hits = await _search(meili, index_uid, {
                "q": "", "filter": f"studyVisitIds IN {quote_list(chunk)}",
                "limit": len(chunk), "attributesToRetrieve": VISIT_FIELDS,
            })
            for document in hits:
                found.update((visit["id"], Visit.from_document(document, visit))
                             for visit in document.get("studyVisits", []))
    except (httpx.HTTPError, ServiceUnavailable) as exc:
        raise CatalogUnavailable(f"index {index_uid!r} could not be read") from exc
    return {visit_id: visit for visit_id, visit in found.items() if visit_id in wanted}
