"""The study-visit index: one document per study visit, written beside the course index.

A visit finder searches visits, not courses: one document per visit lets Meilisearch
filter, facet, sort and page visits themselves (a course with 30 visits is 30 hits). Each
document carries what a visit search needs of its course, so a hit needs no second read.
Documents are derived from the course's search document (pure functions), so the visits
of a course kept at its last good version (its new record was rejected) are derived alike.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from core.nordic_reference import Country
from core.reference import Reference
from core.visits.formatting import ZONES
from core.visitsearch.model import visit_index_uid
from indexer.index_settings import TYPO_TOLERANCE, filterable, occupation_synonyms

__all__ = ["visit_documents", "visit_index_settings", "visit_index_uid"]
AFTERNOON_FROM_HOUR = 12
EVENING_FROM_HOUR = 17


def visit_document_key(visit_id: str) -> str:
    """Meilisearch's primary key of a visit: ids may hold characters a key may not (``~``)."""
    return hashlib.blake2b(visit_id.encode("utf-8"), digest_size=16).hexdigest()


def time_of_day(hour: int) -> str:
    """``morning`` before 12, ``afternoon`` from 12, ``evening`` from 17 (the visit's local
    time: its country's zone)."""
    if hour >= EVENING_FROM_HOUR:
        return "evening"
    if hour >= AFTERNOON_FROM_HOUR:
        return "afternoon"
    return "morning"


def visit_documents(course: dict[str, Any]) -> list[dict[str, Any]]:
    """The visit documents of one course search document (see ``indexer.documents``)."""
    documents = []
    zone = ZONES[Country(course.get("country", Country.SE))]
    for visit in course.get("studyVisits", []):
        local = datetime.fromisoformat(visit["start"]).astimezone(zone)
        documents.append({
            "id": visit_document_key(visit["id"]),
            "visitId": visit["id"],
            "courseId": course["id"],
            "providerOrgNumber": course["providerOrgNumber"],
            "providerName": course["providerName"],
            "title": course["title"],
            "titleEn": course.get("titleEn"),
            "occupationCode": course["occupationCode"],
            "occupationName": course["occupationName"],
            "occupationNameEn": course.get("occupationNameEn"),
            "occupationField": course["occupationField"],
            "programmeType": course["programmeType"],
            "languages": list(course["languages"]),
            "delivery": course["delivery"],
            "start": visit["start"],
            "startTs": visit["startTs"],
            "weekday": local.isoweekday(),
            "timeOfDay": time_of_day(local.hour),
            "durationMinutes": visit["durationMinutes"],
            "capacity": visit["capacity"],
            "address": visit["address"],
            "municipalityCode": course["municipalityCode"],
            "regionCode": course["regionCode"],
            "_geo": course["_geo"],
            "loadId": course.get("loadId"),
            **_closing(visit),
        })
    return documents


def _closing(visit: dict[str, Any]) -> dict[str, int]:
    """A visit with its own closing time carries it, and the moment (for the filter of
    visits still open for registration, :mod:`core.visitsearch.filters`)."""
    hours = visit.get("registrationClosesHoursBefore")
    if hours is None:
        return {}
    return {"registrationClosesHoursBefore": hours,
            "registrationClosesTs": visit["startTs"] - hours * 3600}


VISIT_SEARCHABLE_ATTRIBUTES = ["title", "titleEn", "occupationName", "occupationNameEn"]
VISIT_FILTERABLE_ATTRIBUTES = [
    "visitId", "courseId", "loadId", "providerOrgNumber", "occupationCode", "occupationField",
    "programmeType", "languages", "delivery", "startTs", "weekday", "timeOfDay", "capacity",
    "municipalityCode", "regionCode", "_geo", "registrationClosesTs",
]
VISIT_SORTABLE_ATTRIBUTES = ["startTs", "_geo"]
MAX_VISIT_FACET_VALUES = 300
MAX_VISIT_TOTAL_HITS = 1_000_000


def visit_index_settings(reference: Reference) -> dict[str, Any]:
    """The visit index's settings: the course index's synonyms and typo rules, its own
    attributes; ``sort`` before relevance so that "earliest first" holds among all matches."""
    return {
        "searchableAttributes": VISIT_SEARCHABLE_ATTRIBUTES,
        "filterableAttributes": filterable(VISIT_FILTERABLE_ATTRIBUTES),
        "sortableAttributes": sorted(VISIT_SORTABLE_ATTRIBUTES),
        "rankingRules": ["words", "sort", "typo", "proximity", "attribute", "exactness"],
        "displayedAttributes": ["*"],
        "distinctAttribute": None,
        "stopWords": [],
        "synonyms": occupation_synonyms(reference),
        "typoTolerance": TYPO_TOLERANCE,
        "faceting": {
            "maxValuesPerFacet": MAX_VISIT_FACET_VALUES,
            "sortFacetValuesBy": {"*": "count"},
        },
        "pagination": {"maxTotalHits": MAX_VISIT_TOTAL_HITS},
        "proximityPrecision": "byAttribute",
    }
