"""Field getters of ``Course`` and the types below it, read from a search document.

They give what ``course_from_document`` followed by ``Course.build`` (and the types' own
resolvers) give, already in JSON form: enums by GraphQL name, dates and date-times in ISO
8601. The differential tests (``tests/integration/test_compiled_search.py``) run every
field through both paths. Sources: ``Course`` and its plain sub-objects read the document
itself; ``Address`` a raw address dict; ``GeoPoint`` a ``(lat, lon)`` pair; regions,
municipalities and occupation fields the reference data; ``StudyVisit`` a
:class:`VisitSource`.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from core import reference as ref
from core.search.geography import find_municipality, find_region
from core.search.vocabulary import Delivery, IntakeType, Pace, ProgrammeType, Schedule

from .plan import Getter, Projection, inline


def _i(expression: str) -> Getter:
    return inline(expression, globals())

Doc = dict[str, Any]
_NO_ADDRESS = {"street": "", "postalCode": "", "city": ""}
_NO_CONTACT = {"name": "", "email": ""}
_NO_GEO = {"lat": 0.0, "lng": 0.0}

# Projection.extras keys
REFERENCE = "reference"
MENUS = "menus"
NOW = "now"
SEATS = "seats"
CLOSES_HOURS_BEFORE = "closesHoursBefore"  # REGISTRATION_CLOSES_HOURS_BEFORE


def _names(enum: Any) -> dict[str, str]:
    return {member.value: member.name for member in enum}


_PROGRAMME, _PACE, _SCHEDULE = _names(ProgrammeType), _names(Pace), _names(Schedule)
_DELIVERY, _INTAKE = _names(Delivery), _names(IntakeType)


@functools.lru_cache(maxsize=4096)  # start dates are days: a few hundred distinct values
def _date(timestamp: int | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.datetime.fromtimestamp(timestamp, datetime.UTC).date().isoformat()


def _municipality(d: Doc, p: Projection) -> ref.Municipality:
    reference: ref.Reference = p.extras[REFERENCE]
    code = d.get("municipalityCode", "")
    found = find_municipality(reference, code)
    if found is not None:
        return found
    geo = d.get("_geo") or _NO_GEO
    return ref.Municipality(code, d.get("municipalityName", ""), d.get("regionCode", ""),
                            float(geo["lat"]), float(geo["lng"]))


def _region(d: Doc, p: Projection) -> ref.Region:
    reference: ref.Reference = p.extras[REFERENCE]
    code = d.get("regionCode", "")
    name = d.get("regionName", "")
    return find_region(reference, code) or ref.Region(code, name, name)


def _occupation_field(d: Doc, p: Projection) -> ref.OccupationField:
    reference: ref.Reference = p.extras[REFERENCE]
    code = d.get("occupationField", "")
    return reference.occupation_fields.get(code) or ref.OccupationField(
        code, code, code, code, code)


def _coordinates(d: Doc, p: Projection, a: Any) -> tuple[float, float]:
    geo = d.get("_geo") or _NO_GEO
    return float(geo["lat"]), float(geo["lng"])


@dataclass(frozen=True, slots=True)
class VisitSource:
    raw: dict[str, Any]
    start: datetime.datetime


def upcoming_visits(d: Doc, now: datetime.datetime) -> list[VisitSource]:
    """The document's visits that start after ``now``, in feed order (as the record keeps)."""
    visits = (VisitSource(raw, datetime.datetime.fromisoformat(raw["start"]))
              for raw in d.get("studyVisits", ()))
    return [v for v in visits if v.start > now]


def _study_visits(d: Doc, p: Projection, a: Any) -> list[VisitSource]:
    return upcoming_visits(d, p.extras[NOW])


def _seats_left(v: VisitSource, p: Projection, a: Any) -> Any:
    return p.extras[SEATS](v)  # a marker, filled in per request (see .seat_template)


def _end(v: VisitSource, p: Projection, a: Any) -> str:
    minutes = int(v.raw["durationMinutes"])
    return (v.start + datetime.timedelta(minutes=minutes)).isoformat()


def _registration_closes_at(v: VisitSource, p: Projection, a: Any) -> str:
    own = v.raw.get("registrationClosesHoursBefore")
    hours = p.extras[CLOSES_HOURS_BEFORE] if own is None else int(own)
    return (v.start - datetime.timedelta(hours=hours)).isoformat()


def _fee(d: Doc, p: Projection, a: Any) -> Doc | None:
    return d if d.get("feeCurrency") else None


COURSE: dict[str, Getter] = {
    "id": _i('src["id"]'),
    "providerCourseId": _i('src.get("courseId", "")'),
    "title": _i('src.get("title", "")'),
    "titleEn": _i('src.get("titleEn")'),
    "description": _i('src.get("description", "")'),
    "descriptionEn": _i('src.get("descriptionEn")'),
    "occupation": _i("src"),
    "occupationField": _i("_occupation_field(src, p)"),
    "programmeType": lambda d, p, a: _PROGRAMME[
        d.get("programmeType", ProgrammeType.LABOUR_MARKET_TRAINING.value)],
    "location": _i("src"),
    "intake": _i("src"),
    "pace": _i("src"),
    "schedule": _i('[_SCHEDULE[s] for s in src.get("schedule", ())]'),
    "delivery": _i('_DELIVERY[src.get("delivery", Delivery.ON_SITE.value)]'),
    "isDistance": _i('bool(src.get("isDistance", False))'),
    "languages": _i('list(src.get("languages", ()))'),
    "eligibility": _i("src"),
    "certificate": _i('src.get("certificate")'),
    "participationFee": _fee,
    "freeOfCharge": _i('bool(src.get("isFree", False))'),
    "places": _i('int(src.get("places", 0))'),
    "supervisors": _i('src.get("supervisors")'),
    "contact": _i('src.get("contact") or _NO_CONTACT'),
    "url": _i('src.get("url", "")'),
    "provider": _i("src"),
    "country": _i('src.get("country", "SE")'),
    "studyVisits": _study_visits,
}

COURSE_TYPES: dict[str, dict[str, Getter]] = {
    "Course": COURSE,
    "CourseOccupation": {
        "code": _i('src.get("occupationCode", "")'),
        "name": _i('src.get("occupationName", "")'),
        "nameEn": _i('src.get("occupationNameEn")'),
    },
    "OccupationField": {
        "id": _i("src.id"),
        "name": _i("src.name_sv"),
        "nameEn": _i("src.name_en"),
    },
    "CourseLocation": {
        "municipality": _i("_municipality(src, p)"),
        "region": _i("_region(src, p)"),
        "address": _i('src.get("address") or _NO_ADDRESS'),
        "coordinates": _coordinates,
        "coordinatesApproximate": lambda d, p, a: bool(d.get("coordinatesFromMunicipality",
                                                             False)),
    },
    "Municipality": {
        "code": _i("src.code"),
        "name": _i("src.name"),
        "regionCode": _i("src.region_code"),
        "centre": _i("(src.lat, src.lon)"),
    },
    "Region": {
        "code": _i("src.code"),
        "name": _i("src.name"),
        "nameEn": _i("src.name_en"),
        "municipalities": lambda r, p, a: p.extras[MENUS].municipalities_by_region.get(
            r.code, []),
    },
    "Address": {
        "street": _i('src["street"]'),
        "postalCode": _i('src["postalCode"]'),
        "city": _i('src["city"]'),
    },
    "GeoPoint": {
        "lat": _i("src[0]"),
        "lon": _i("src[1]"),
    },
    "Intake": {
        "type": _i('_INTAKE[src.get("intake", IntakeType.FIXED.value)]'),
        "startDate": _i('_date(src.get("startDate"))'),
        "endDate": _i('_date(src.get("endDate"))'),
        "durationWeeks": _i('int(src.get("durationWeeks", 0))'),
    },
    "CoursePace": {
        "type": _i('_PACE[src.get("pace", Pace.FULL_TIME.value)]'),
        "percent": _i('int(src.get("pacePercent", 100))'),
    },
    "Eligibility": {
        "minimumAge": _i('int(src.get("minimumAge", 0))'),
        "requirements": _i('src.get("requirements")'),
        "requirementsEn": _i('src.get("requirementsEn")'),
    },
    "Fee": {
        "amount": _i('int(src["feeAmount"])'),
        "currency": _i('src["feeCurrency"]'),
        "note": _i('src.get("feeNote")'),
    },
    "Contact": {
        "name": _i('src["name"]'),
        "email": _i('src["email"]'),
        "phone": _i('src.get("phone")'),
    },
    "CourseProvider": {
        "organisationNumber": _i('src.get("providerOrgNumber", "")'),
        "name": _i('src.get("providerName", "")'),
    },
    "StudyVisit": {
        "id": _i('src.raw["id"]'),
        "start": _i("src.start.isoformat()"),
        "end": _end,
        "durationMinutes": _i('int(src.raw["durationMinutes"])'),
        "capacity": _i('int(src.raw["capacity"])'),
        "seatsLeft": _seats_left,
        "address": _i('src.raw["address"]'),
        "registrationClosesAt": _registration_closes_at,
    },
}
