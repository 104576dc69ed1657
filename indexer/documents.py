"""Mapping validated feed records to Meilisearch documents (pure functions)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Any

from core.reference import Reference

VISIT_ID_SEPARATOR = "~"


def course_document_id(organisation_number: str, course_id: str) -> str:
    """The index-wide id of a course: the provider's digits and its own course id."""
    return f"{organisation_number.replace('-', '')}-{course_id}"


def study_visit_id(document_id: str, visit_id: str) -> str:
    """The service-wide id of a study visit."""
    return f"{document_id}{VISIT_ID_SEPARATOR}{visit_id}"


def date_timestamp(value: str) -> int:
    """A calendar date as the Unix timestamp of its midnight UTC."""
    return int(datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC).timestamp())


def _weeks_between(start: str, end: str) -> int:
    days = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1
    return max(1, math.ceil(days / 7))


def _address(address: dict[str, str]) -> dict[str, str]:
    return {
        "street": address["street"],
        "postalCode": address["postalCode"],
        "city": address["city"],
    }


def to_search_document(
    provider: dict[str, Any], course: dict[str, Any], reference: Reference
) -> dict[str, Any]:
    """Turn one validated course of a provider's feed into its search document."""
    org_number = provider["organisationNumber"]
    doc_id = course_document_id(org_number, course["id"])
    location = course["location"]
    municipality = reference.municipalities[location["municipalityCode"]]
    region = reference.regions[municipality.region_code]
    coordinates = location.get("coordinates")
    geo = (
        {"lat": coordinates["lat"], "lng": coordinates["lon"]}
        if coordinates
        else {"lat": municipality.lat, "lng": municipality.lon}
    )
    occupation = course["occupation"]
    known = reference.occupations.get(occupation["ssyk"])
    intake = course["intake"]
    if intake["type"] == "fixed":
        start: int | None = date_timestamp(intake["startDate"])
        end: int | None = date_timestamp(intake["endDate"])
        weeks = _weeks_between(intake["startDate"], intake["endDate"])
    else:
        start = end = None
        weeks = intake["durationWeeks"]
    pace = course["pace"]
    fee = course.get("participationFee")
    eligibility = course["eligibility"]
    requirements = eligibility.get("requirements") or {}
    visits = sorted(
        (_visit(doc_id, visit, location["address"]) for visit in course["studyVisits"]),
        key=lambda v: (v["startTs"], v["id"]),
    )
    return {
        "id": doc_id,
        "courseId": course["id"],
        "providerOrgNumber": org_number,
        "providerName": provider["name"],
        "title": course["title"]["sv"],
        "titleEn": course["title"].get("en"),
        "description": course["description"]["sv"],
        "descriptionEn": course["description"].get("en"),
        "occupationCode": occupation["ssyk"],
        "occupationName": known.name_sv if known else occupation["name"],
        "occupationNameEn": known.name_en if known else None,
        "occupationNames": list(known.occupation_names) if known else [],
        "occupationKeywords": list(known.keywords) if known else [],
        "occupationField": course["occupationField"],
        "programmeType": course["programmeType"],
        "municipalityCode": municipality.code,
        "municipalityName": municipality.name,
        "regionCode": region.code,
        "regionName": region.name,
        "address": _address(location["address"]),
        "_geo": geo,
        "coordinatesFromMunicipality": coordinates is None,
        "intake": intake["type"],
        "startDate": start,
        "endDate": end,
        "durationWeeks": weeks,
        "pace": pace["type"],
        "pacePercent": pace.get("percent", 100),
        "schedule": list(course["schedule"]),
        "delivery": course["delivery"],
        "isDistance": course["delivery"] == "distance",
        "languages": list(course["languages"]),
        "minimumAge": eligibility["minimumAge"],
        "requirements": requirements.get("sv"),
        "requirementsEn": requirements.get("en"),
        "certificate": course.get("certificate"),
        "feeAmount": fee["amount"] if fee else 0,
        "feeCurrency": fee["currency"] if fee else None,
        "feeNote": fee.get("note") if fee else None,
        "isFree": not fee or fee["amount"] == 0,
        "places": course["places"],
        "supervisors": course.get("supervisors"),
        "contact": {
            "name": course["contact"]["name"],
            "email": course["contact"]["email"],
            "phone": course["contact"].get("phone"),
        },
        "studyVisits": visits,
        "studyVisitIds": [v["id"] for v in visits],
        "studyVisitStarts": [v["startTs"] for v in visits],
        "url": course["url"],
    }


def _visit(doc_id: str, visit: dict[str, Any], course_address: dict[str, str]) -> dict[str, Any]:
    start = datetime.fromisoformat(visit["start"])
    return {
        "id": study_visit_id(doc_id, visit["id"]),
        "visitId": visit["id"],
        "start": visit["start"],
        "startTs": int(start.timestamp()),
        "durationMinutes": visit["durationMinutes"],
        "capacity": visit["capacity"],
        "address": _address(visit.get("address") or course_address),
    }
