"""Study visits and registrations as plain, immutable values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from core.nordic_reference import Country


class RegistrationStatus(StrEnum):
    """``PENDING → CONFIRMED | DECLINED | CANCELLED | EXPIRED``; ``CONFIRMED → CANCELLED``.

    ``EXPIRED``: still unanswered when the visit started (:mod:`core.visits.closing`).
    """
    """``PENDING → CONFIRMED | DECLINED | CANCELLED``; ``CONFIRMED → CANCELLED``.

    The waitlist (:mod:`core.visits.waitlist`): ``WAITLISTED → OFFERED | CANCELLED``,
    ``OFFERED → PENDING`` (claimed) ``| CANCELLED`` (left, or the offer lapsed)."""

    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    DECLINED = "DECLINED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"
    WAITLISTED = "WAITLISTED"
    OFFERED = "OFFERED"

    @property
    def active(self) -> bool:
        """Whether the registration holds a seat."""
        return self in (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED)

    @property
    def on_waitlist(self) -> bool:
        """Waiting for a seat (OFFERED: a seat is held for them until the offer lapses)."""
        return self in (RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED)


class Language(StrEnum):
    """The language of a registration's emails and pages, and of a provider's (its
    country's: :attr:`Visit.provider_language`)."""

    SV = "sv"
    EN = "en"
    DA = "da"
    NB = "nb"

    @classmethod
    def parse(cls, value: str | None, default: Language | None = None) -> Language:
        """The language of a ``lang`` parameter; ``default`` (Swedish unless given) when
        it is missing or not one of ours."""
        try:
            return cls(value) if value else (default or cls.SV)
        except ValueError:
            return default or cls.SV


# The language of a provider's emails and pages: its country's.
COUNTRY_LANGUAGES = {Country.SE: Language.SV, Country.DK: Language.DA, Country.NO: Language.NB}


def country_of(value: object) -> Country:
    """A stored country code (the feed's ``provider.country``); Sweden for a record
    written before visits carried their country."""
    try:
        return Country(str(value)) if value else Country.SE
    except ValueError:
        return Country.SE


class ErrorCode(StrEnum):
    """Expected failures of a registration, returned as data."""

    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    VISIT_FULL = "VISIT_FULL"
    VISIT_PASSED = "VISIT_PASSED"
    REGISTRATION_CLOSED = "REGISTRATION_CLOSED"
    ALREADY_REGISTERED = "ALREADY_REGISTERED"
    RATE_LIMITED = "RATE_LIMITED"
    CONSENT_REQUIRED = "CONSENT_REQUIRED"


class CancelReason(StrEnum):
    JOBSEEKER = "jobseeker"
    VISIT_REMOVED = "visit_removed"
    PROVIDER = "provider"  # the provider undid its confirmation (provider self-service)
    ERASED = "erased"  # only on the provider's withdrawal notice (core.visits.withdrawal)
    OFFER_LAPSED = "offer_lapsed"  # a waitlist offer was not claimed in time


class DeclineReason(StrEnum):
    """Why the provider declined; the jobseeker's email says it."""

    VISIT_FULL = "visit_full"
    VISIT_CANCELLED = "visit_cancelled"
    NOT_SUITABLE = "not_suitable"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One expected failure: which input field (``None``: not one field), a human
    message, a machine code. Messages never repeat what the user typed.
    """

    field: str | None
    message: str
    code: ErrorCode


@dataclass(frozen=True, slots=True)
class Address:
    street: str
    postal_code: str
    city: str

    def one_line(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}"


@dataclass(frozen=True, slots=True)
class Visit:
    """A study visit as the index has it, with what the emails need about its course."""

    id: str
    visit_id: str
    course_id: str
    course_title: str
    course_title_en: str | None
    provider_name: str
    municipality_name: str
    start: str
    start_ts: int
    duration_minutes: int
    capacity: int
    address: Address
    contact_name: str
    contact_email: str
    contact_phone: str | None = None
    registration_closes_hours_before: int | None = None  # None: the service's default
    occupation_code: str | None = None  # the course's occupation (similar-course links)
    country: Country = Country.SE  # the provider's: its language, the visit's time zone

    @property
    def end_ts(self) -> int:
        return self.start_ts + self.duration_minutes * 60

    @property
    def provider_language(self) -> Language:
        """The language of the provider's emails and pages (its country's)."""
        return COUNTRY_LANGUAGES[self.country]

    def title(self, language: Language) -> str:
        if language is Language.EN and self.course_title_en:
            return self.course_title_en
        return self.course_title

    @classmethod
    def from_document(cls, document: Mapping[str, Any], visit: Mapping[str, Any]) -> Visit:
        """The visit ``visit`` (one of ``document["studyVisits"]``) of a course document."""
        address = visit["address"]
        contact = document["contact"]
        return cls(
            id=visit["id"],
            visit_id=visit["visitId"],
            course_id=document["id"],
            course_title=document["title"],
            course_title_en=document.get("titleEn"),
            provider_name=document["providerName"],
            municipality_name=document["municipalityName"],
            start=visit["start"],
            start_ts=int(visit["startTs"]),
            duration_minutes=int(visit["durationMinutes"]),
            capacity=int(visit["capacity"]),
            address=Address(address["street"], address["postalCode"], address["city"]),
            contact_name=contact["name"],
            contact_email=contact["email"],
            contact_phone=contact.get("phone") or None,
            registration_closes_hours_before=visit.get("registrationClosesHoursBefore"),
            occupation_code=document.get("occupationCode") or None,
            country=country_of(document.get("country")),
        )


@dataclass(frozen=True, slots=True)
class RegistrationInput:
    """What a jobseeker submits, after validation and normalisation."""

    visit_id: str
    name: str
    email: str
    phone: str | None
    language: Language
    consent: bool


@dataclass(frozen=True, slots=True)
class Registration:
    """The system-of-record registration, as stored in Redis (personal data included)."""

    id: str
    status: RegistrationStatus
    visit: Visit
    name: str
    email: str
    phone: str | None
    language: Language
    created_at: int
    updated_at: int
    expires_at: int
    decided_at: int | None = None
    cancelled_at: int | None = None
    cancel_reason: CancelReason | None = None
    decline_reason: DeclineReason | None = None
    ics_sequence: int = 0  # the SEQUENCE of the latest invitation (raised by a reschedule)
    previous_visit: Visit | None = None  # the visit before its latest reschedule
    mail_failures: dict[str, str] = field(default_factory=dict)
    mail_states: dict[str, str] = field(default_factory=dict)
    waitlist_position: int | None = None  # place in line: on joining it, or as last read
    offer_expires_at: int | None = None  # an offered seat can be claimed until then
    claimed_at: int | None = None  # a waitlisted registration became PENDING then

    def mail_handed_over(self, job: str) -> bool:
        """Whether the email of ``job`` went (or may have gone) to the SMTP server."""
        return self.mail_states.get(job) in ("sent", "committing", "uncertain")
