"""Search documents (as ``indexer/documents.py`` writes them) mapped to plain records (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.search.highlight import CROPPED, HIGHLIGHTED, Highlighted, split_marks
from core.search.model import GeoPoint
from core.search.vocabulary import Delivery, IntakeType, Pace, ProgrammeType, Schedule

# What a search retrieves of each document: everything the API shows, nothing internal.
RETRIEVED_ATTRIBUTES = (
    "id", "courseId", "providerOrgNumber", "providerName", "title", "titleEn", "description",
    "descriptionEn", "occupationCode", "occupationName", "occupationNameEn", "occupationField",
    "programmeType", "municipalityCode", "municipalityName", "regionCode", "regionName",
    "address", "_geo", "coordinatesFromMunicipality", "intake", "startDate", "endDate",
    "durationWeeks", "pace", "pacePercent", "schedule", "delivery", "isDistance", "languages",
    "minimumAge", "requirements", "requirementsEn", "certificate", "feeAmount", "feeCurrency",
    "feeNote", "isFree", "places", "supervisors", "contact", "studyVisits", "url", "country",
    "danishFee",
)


@dataclass(frozen=True, slots=True)
class Address:
    street: str
    postal_code: str
    city: str


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    email: str
    phone: str | None


@dataclass(frozen=True, slots=True)
class Fee:
    amount: int
    currency: str
    note: str | None


@dataclass(frozen=True, slots=True)
class Visit:
    """A study visit of a course, as published in the feed."""

    id: str
    visit_id: str
    start: datetime
    duration_minutes: int
    capacity: int
    address: Address
    registration_closes_hours_before: int | None = None  # None: the service's default

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True, slots=True)
class CourseRecord:
    """One course with everything its feed says, as the index holds it."""

    id: str
    course_id: str
    provider_org_number: str
    provider_name: str
    title: str
    title_en: str | None
    description: str
    description_en: str | None
    occupation_code: str
    occupation_name: str
    occupation_name_en: str | None
    occupation_field: str
    programme_type: ProgrammeType
    municipality_code: str
    municipality_name: str
    region_code: str
    region_name: str
    address: Address
    location: GeoPoint
    coordinates_from_municipality: bool
    intake: IntakeType
    start_date: date | None
    end_date: date | None
    duration_weeks: int
    pace: Pace
    pace_percent: int
    schedule: tuple[Schedule, ...]
    delivery: Delivery
    is_distance: bool
    languages: tuple[str, ...]
    minimum_age: int
    requirements: str | None
    requirements_en: str | None
    certificate: str | None
    fee: Fee | None
    is_free: bool
    places: int
    supervisors: int | None
    contact: Contact
    visits: tuple[Visit, ...]
    url: str
    country: str = "SE"
    danish_fee: Mapping[str, Any] | None = None  # the feed's Danish fee rule (Danish courses)

    def upcoming_visits(self, now: datetime) -> tuple[Visit, ...]:
        """The visits that start after ``now``, earliest first."""
        return tuple(v for v in self.visits if v.start > now)


@dataclass(frozen=True, slots=True)
class Highlights:
    """Matched words in a hit's titles and a snippet of its descriptions."""

    title: Highlighted | None
    title_en: Highlighted | None
    description: Highlighted | None
    description_en: Highlighted | None


_NO_ADDRESS = {"street": "", "postalCode": "", "city": ""}
_NO_CONTACT = {"name": "", "email": ""}


def _address(raw: dict[str, Any]) -> Address:
    return Address(raw["street"], raw["postalCode"], raw["city"])


def _date(timestamp: int | None) -> date | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC).date()


def _visit(raw: dict[str, Any]) -> Visit:
    return Visit(
        id=raw["id"],
        visit_id=raw["visitId"],
        start=datetime.fromisoformat(raw["start"]),
        duration_minutes=int(raw["durationMinutes"]),
        capacity=int(raw["capacity"]),
        address=_address(raw["address"]),
        registration_closes_hours_before=raw.get("registrationClosesHoursBefore"),
    )


def retrieval_list(attributes: Iterable[str] | None) -> list[str]:
    """``attributesToRetrieve``: the given attributes and ``id``, or all when None."""
    if attributes is None:
        return list(RETRIEVED_ATTRIBUTES)
    wanted = {"id", *attributes}
    unknown = wanted - set(RETRIEVED_ATTRIBUTES)
    if unknown:
        raise ValueError(f"not document attributes: {sorted(unknown)}")
    return [name for name in RETRIEVED_ATTRIBUTES if name in wanted]


def course_from_document(doc: dict[str, Any]) -> CourseRecord:
    """The record of one search document.

    A search may retrieve only some attributes (those a client asked for); the others get
    neutral placeholders and must not be shown.
    """
    get = doc.get
    contact = get("contact") or _NO_CONTACT
    currency = get("feeCurrency")
    geo = get("_geo") or {"lat": 0.0, "lng": 0.0}
    return CourseRecord(
        id=doc["id"],
        course_id=get("courseId", ""),
        provider_org_number=get("providerOrgNumber", ""),
        provider_name=get("providerName", ""),
        title=get("title", ""),
        title_en=get("titleEn"),
        description=get("description", ""),
        description_en=get("descriptionEn"),
        occupation_code=get("occupationCode", ""),
        occupation_name=get("occupationName", ""),
        occupation_name_en=get("occupationNameEn"),
        occupation_field=get("occupationField", ""),
        programme_type=ProgrammeType(get("programmeType", ProgrammeType.LABOUR_MARKET_TRAINING)),
        municipality_code=get("municipalityCode", ""),
        municipality_name=get("municipalityName", ""),
        region_code=get("regionCode", ""),
        region_name=get("regionName", ""),
        address=_address(get("address") or _NO_ADDRESS),
        location=GeoPoint(float(geo["lat"]), float(geo["lng"])),
        coordinates_from_municipality=bool(get("coordinatesFromMunicipality", False)),
        intake=IntakeType(get("intake", IntakeType.FIXED)),
        start_date=_date(get("startDate")),
        end_date=_date(get("endDate")),
        duration_weeks=int(get("durationWeeks", 0)),
        pace=Pace(get("pace", Pace.FULL_TIME)),
        pace_percent=int(get("pacePercent", 100)),
        schedule=tuple(Schedule(s) for s in get("schedule", ())),
        delivery=Delivery(get("delivery", Delivery.ON_SITE)),
        is_distance=bool(get("isDistance", False)),
        languages=tuple(get("languages", ())),
        minimum_age=int(get("minimumAge", 0)),
        requirements=get("requirements"),
        requirements_en=get("requirementsEn"),
        certificate=get("certificate"),
        fee=Fee(int(doc["feeAmount"]), currency, get("feeNote")) if currency else None,
        is_free=bool(get("isFree", False)),
        places=int(get("places", 0)),
        supervisors=get("supervisors"),
        contact=Contact(contact["name"], contact["email"], contact.get("phone")),
        visits=tuple(_visit(v) for v in get("studyVisits", ())),
        url=get("url", ""),
        country=get("country", "SE"),
        danish_fee=get("danishFee"),
    )


def highlights_from_hit(hit: dict[str, Any]) -> Highlights | None:
    """The highlights of a hit searched with :func:`core.search.highlight.search_parameters`."""
    formatted = hit.get("_formatted")
    if not isinstance(formatted, dict):
        return None

    def part(name: str) -> Highlighted | None:
        value = formatted.get(name)
        return split_marks(value) if isinstance(value, str) else None

    title, title_en = (part(name) for name in HIGHLIGHTED)
    description, description_en = (part(name) for name in CROPPED)
    return Highlights(title, title_en, description, description_en)
