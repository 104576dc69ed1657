"""GraphQL types of study-visit registration. ``StudyVisit``, ``Address``, ``Course`` and
``Language`` are the search API's, reused."""

from __future__ import annotations

import datetime
from enum import Enum

import strawberry

from api.search.course import Course
from api.search.enums import Language
from api.search.types import StudyVisit
from core.search import documents
from core.visits import models
from core.visits.service import ActionResult


@strawberry.enum(description="Where a registration stands.")
class RegistrationStatus(Enum):
    PENDING = strawberry.enum_value("PENDING", description="Sent to the provider, no answer yet.")
    CONFIRMED = strawberry.enum_value("CONFIRMED", description="The provider expects you.")
    DECLINED = strawberry.enum_value("DECLINED", description="The provider said no.")
    CANCELLED = strawberry.enum_value(
        "CANCELLED", description="Cancelled by the jobseeker, or the visit was removed.")
    EXPIRED = strawberry.enum_value(
        "EXPIRED", description="The provider had not answered when the visit started.")
    WAITLISTED = strawberry.enum_value(
        "WAITLISTED", description="On the full visit's waitlist (see waitlistPosition).")
    OFFERED = strawberry.enum_value(
        "OFFERED", description="A freed seat is held for you until the emailed offer lapses: "
                               "claim it with claimStudyVisitSeat.")


@strawberry.enum(description="Why the provider declined a registration; the jobseeker's "
                             "email states it.")
class DeclineReason(Enum):
    VISIT_FULL = strawberry.enum_value("VISIT_FULL", description="The visit is fully booked.")
    VISIT_CANCELLED = strawberry.enum_value(
        "VISIT_CANCELLED", description="The visit will not take place.")
    NOT_SUITABLE = strawberry.enum_value(
        "NOT_SUITABLE", description="The visit does not suit the jobseeker.")
    OTHER = strawberry.enum_value("OTHER", description="Another reason.")


@strawberry.enum(description="Why a registration was not accepted.")
class RegistrationErrorCode(Enum):
    INVALID = strawberry.enum_value("INVALID", description="A value is malformed.")
    NOT_FOUND = strawberry.enum_value("NOT_FOUND", description="No such study visit.")
    VISIT_FULL = strawberry.enum_value("VISIT_FULL", description="Every seat is taken.")
    VISIT_PASSED = strawberry.enum_value("VISIT_PASSED", description="The visit has started.")
    REGISTRATION_CLOSED = strawberry.enum_value(
        "REGISTRATION_CLOSED",
        description="Registration has closed (StudyVisit.registrationClosesAt has passed).")
    ALREADY_REGISTERED = strawberry.enum_value(
        "ALREADY_REGISTERED", description="This email already holds a seat on the visit.")
    RATE_LIMITED = strawberry.enum_value(
        "RATE_LIMITED", description="Too many registrations; try again later.")
    CONSENT_REQUIRED = strawberry.enum_value(
        "CONSENT_REQUIRED", description="Consent to share the details is required.")


@strawberry.enum(description="What became of a link's action.")
class RegistrationActionResult(Enum):
    DONE = strawberry.enum_value("DONE", description="Done now.")
    ALREADY_DONE = strawberry.enum_value("ALREADY_DONE", description="Done before; unchanged.")
    NOT_ALLOWED = strawberry.enum_value(
        "NOT_ALLOWED", description="The registration's state does not allow it; unchanged.")
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND", description="The registration no longer exists (erased or expired).")
    INVALID_TOKEN = strawberry.enum_value(
        "INVALID_TOKEN", description="The token is not valid for this action.")
    EXPIRED_TOKEN = strawberry.enum_value("EXPIRED_TOKEN", description="The link has expired.")


@strawberry.type(description="One problem with a registration, returned as data.")
class RegistrationError:
    field: str | None = strawberry.field(
        description="The input field at fault (e.g. \"email\"); null when no single field is.")
    message: str = strawberry.field(description="Explanation in the chosen language.")
    code: RegistrationErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="A registration for a study visit.")
class Registration:
    id: strawberry.ID = strawberry.field(description="The registration's id.")
    status: RegistrationStatus = strawberry.field(description="Where it stands.")
    created_at: datetime.datetime = strawberry.field(description="When it was made.")
    visit: StudyVisit = strawberry.field(description="The study visit, with seats left.")
    course_id: strawberry.ID = strawberry.field(description="The visit's course.")
    course_title: str = strawberry.field(
        description="The course's title in the registration's language (Swedish when the "
                    "course has no English title).")
    provider_name: str = strawberry.field(description="The training provider.")
    waitlist_position: int | None = strawberry.field(
        description="The place in the waitlist's line (1 = next to be offered a seat); null "
                    "when not WAITLISTED.")


@strawberry.type(description="The outcome of registerForStudyVisit: a registration or errors.")
class RegisterForStudyVisitPayload:
    registration: Registration | None = strawberry.field(
        description="The new registration (status PENDING, or WAITLISTED when asked to join "
                    "a full visit's waitlist); null when there are errors.")
    errors: list[RegistrationError] = strawberry.field(
        description="Why the registration was not made; empty on success.")


@strawberry.type(description="The outcome of acting on an emailed link's token.")
class RegistrationActionPayload:
    result: RegistrationActionResult = strawberry.field(description="What happened.")
    status: RegistrationStatus | None = strawberry.field(
        description="The registration's status now (null when unknown or erased).")


@strawberry.type(description="A study visit with its course.")
class StudyVisitListing:
    visit: StudyVisit = strawberry.field(description="The visit, with seats left.")
    course: Course = strawberry.field(description="The course the visit belongs to.")


@strawberry.input(description="A registration for a study visit. There is no free-text field.")
class RegisterForStudyVisitInput:
    visit_id: strawberry.ID = strawberry.field(description="The study visit's id.")
    name: str = strawberry.field(description="Full name, 2 to 100 characters.")
    email: str = strawberry.field(description="Email address for the answers.")
    phone: str | None = strawberry.field(default=None, description="Phone number (optional).")
    language: Language = strawberry.field(description="Language of the emails.")
    consent: bool = strawberry.field(
        description="Explicit consent to share name, email and phone with the provider.")
    join_waitlist_if_full: bool = strawberry.field(
        default=False, description="On a full visit, join its waitlist (status WAITLISTED) "
                                   "instead of failing with VISIT_FULL.")


@strawberry.input(description="Which study visits to list; every field narrows the list.")
class StudyVisitFilterInput:
    course_id: strawberry.ID | None = strawberry.field(default=None, description="One course.")
    region_code: str | None = strawberry.field(default=None, description="Two-digit region.")
    municipality_code: str | None = strawberry.field(
        default=None, description="Four-digit municipality code.")
    start_from: datetime.datetime | None = strawberry.field(
        default=None, description="Visits starting at or after this (default: now).")
    start_to: datetime.datetime | None = strawberry.field(
        default=None, description="Visits starting at or before this.")
    only_with_seats_left: bool = strawberry.field(
        default=False, description="Only visits with at least one seat left.")


def study_visit(visit: models.Visit, seats_taken: int) -> StudyVisit:
    """The search API's StudyVisit for a visit of ours."""
    address = visit.address
    return StudyVisit.build(
        documents.Visit(
            id=visit.id,
            visit_id=visit.visit_id,
            start=datetime.datetime.fromisoformat(visit.start),
            duration_minutes=visit.duration_minutes,
            capacity=visit.capacity,
            address=documents.Address(address.street, address.postal_code, address.city),
            registration_closes_hours_before=visit.registration_closes_hours_before,
        ),
        seats_taken,
    )


def registration(value: models.Registration, seats_taken: int,
                 waitlist_position: int | None = None) -> Registration:
    return Registration(
        id=strawberry.ID(value.id),
        status=RegistrationStatus[value.status.name],
        created_at=datetime.datetime.fromtimestamp(value.created_at, datetime.UTC),
        visit=study_visit(value.visit, seats_taken),
        course_id=strawberry.ID(value.visit.course_id),
        course_title=value.visit.title(value.language),
        provider_name=value.visit.provider_name,
        waitlist_position=waitlist_position,
    )


def error(value: models.FieldError) -> RegistrationError:
    return RegistrationError(field=value.field, message=value.message,
                             code=RegistrationErrorCode[value.code.name])


def action_payload(result: ActionResult, status: models.RegistrationStatus | None
                   ) -> RegistrationActionPayload:
    return RegistrationActionPayload(
        result=RegistrationActionResult[result.name],
        status=RegistrationStatus[status.name] if status is not None else None,
    )
