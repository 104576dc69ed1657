"""Mapping validated feed records to Meilisearch documents (pure functions)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from core.nordic_reference import Country, load_nordic_reference
from core.reference import Reference
from indexer.country_rules import CLASSIFICATION, LANGUAGE, isco_code, provider_country

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


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a course is, as its document shows it."""

    municipality_code: str
    municipality_name: str
    region_code: str
    region_name: str
    lat: float
    lon: float


def _place(country: Country, code: str, reference: Reference) -> _Place:
    """Swedish codes as they are; Danish and Norwegian ones prefixed with the country
    (``DK-0101``, ``NO-03``), since their codes overlap Sweden's."""
    if country is Country.SE:
        municipality = reference.municipalities[code]
        region = reference.regions[municipality.region_code]
        return _Place(code, municipality.name, region.code, region.name,
                      municipality.lat, municipality.lon)
    nordic = load_nordic_reference()
    kommune = nordic.municipalities[country][code]
    area = nordic.area_of(kommune)
    return _Place(kommune.indexed_code, kommune.name, area.indexed_code, area.name,
                  kommune.lat, kommune.lon)


def _occupation(
    country: Country, occupation: dict[str, Any], reference: Reference
) -> dict[str, Any]:
    isco = isco_code(country, occupation)
    if country is Country.SE:
        known = reference.occupations.get(occupation["ssyk"])
        return {
            "occupationCode": occupation["ssyk"],
            "occupationName": known.name_sv if known else occupation["name"],
            "occupationNameEn": known.name_en if known else None,
            "occupationNames": list(known.occupation_names) if known else [],
            "occupationKeywords": list(known.keywords) if known else [],
            "iscoCode": isco,
        }
    group = load_nordic_reference().isco.get(isco) if isco else None
    return {
        "occupationCode": f"{country}-{occupation[CLASSIFICATION[country]]}",
        "occupationName": occupation["name"],
        "occupationNameEn": group.title_en if group else None,
        "occupationNames": [],
        "occupationKeywords": [],
        "iscoCode": isco,
    }


def _fee(course: dict[str, Any]) -> dict[str, Any]:
    danish = course.get("danishFee")
    if danish is not None:
        charged = danish["type"] == "by_education_level"
        return {
            "feeAmount": danish["lowFee"] if charged else 0,
            "feeCurrency": "DKK",
            "feeNote": None,
            "isFree": not charged or danish["fullFee"] == 0,
            "danishFee": dict(danish),
        }
    fee = course.get("participationFee")
    return {
        "feeAmount": fee["amount"] if fee else 0,
        "feeCurrency": fee["currency"] if fee else None,
        "feeNote": fee.get("note") if fee else None,
        "isFree": not fee or fee["amount"] == 0,
    }


def to_search_document(
    provider: dict[str, Any], course: dict[str, Any], reference: Reference
) -> dict[str, Any]:
    """Turn one validated course of a provider's feed into its search document."""
    country = provider_country(provider)
    language = LANGUAGE[country]
    org_number = provider["organisationNumber"]
    doc_id = course_document_id(org_number, course["id"])
    location = course["location"]
    place = _place(country, location["municipalityCode"], reference)
    coordinates = location.get("coordinates")
    geo = (
        {"lat": coordinates["lat"], "lng": coordinates["lon"]}
        if coordinates
        else {"lat": place.lat, "lng": place.lon}
    )
    intake = course["intake"]
    if intake["type"] == "fixed":
        start: int | None = date_timestamp(intake["startDate"])
        end: int | None = date_timestamp(intake["endDate"])
        weeks = _weeks_between(intake["startDate"], intake["endDate"])
    else:
        start = end = None
        weeks = intake["durationWeeks"]
    pace = course["pace"]
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
        "country": str(country),
        "title": course["title"][language],
        "titleEn": course["title"].get("en"),
        "description": course["description"][language],
        "descriptionEn": course["description"].get("en"),
        **_occupation(country, course["occupation"], reference),
        "occupationField": course["occupationField"],
        "programmeType": course["programmeType"],
        "municipalityCode": place.municipality_code,
        "municipalityName": place.municipality_name,
        "regionCode": place.region_code,
        "regionName": place.region_name,
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
        "requirements": requirements.get(language),
        "requirementsEn": requirements.get("en"),
        "certificate": course.get("certificate"),
        **_fee(course),
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
        **({"navCounty": course["navCounty"]} if "navCounty" in course else {}),
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
        **_closing(visit),
    }


def _closing(visit: dict[str, Any]) -> dict[str, int]:
    """The visit's own closing time (feed 1.1), when it has one."""
    hours = visit.get("registrationClosesHoursBefore")
    return {} if hours is None else {"registrationClosesHoursBefore": hours}
