"""GraphQL types of the provider's self-service (``providerStudyVisits`` and decisions)."""

from __future__ import annotations

import datetime
from enum import Enum
from typing import Annotated

import strawberry

from api.search.enums import Country, Language
from api.search.types import StudyVisit
from api.visits.types import RegistrationActionResult, RegistrationStatus, study_visit
from core.errors import InputError
from core.visits import models
from core.visits.attendance import Attendance, MarkResult
from core.visits.provider_access import MAX_VISITS, DecisionOutcome, ProviderVisit
from core.visits.service import ActionResult
from core.visits.short_reference import short_reference


@strawberry.enum(description="What a provider decides about pending registrations.")
class ProviderDecision(Enum):
    CONFIRM = strawberry.enum_value("CONFIRM", description="The jobseeker is welcome.")
    DECLINE = strawberry.enum_value("DECLINE", description="The provider says no.")


@strawberry.enum(description="Whether a confirmed jobseeker came to the visit.")
class AttendanceMark(Enum):
    ATTENDED = strawberry.enum_value("attended", description="Came.")
    ABSENT = strawberry.enum_value("absent", description="Did not come.")


@strawberry.type(description="A registration as its provider sees it.")
class ProviderRegistration:
    id: strawberry.ID = strawberry.field(description="The registration's id.")
    reference: str = strawberry.field(
        description="The short reference every e-mail about it shows (e.g. 4711-0815).")
    name: str = strawberry.field(description="The jobseeker's name.")
    email: str = strawberry.field(description="The jobseeker's email address.")
    phone: str | None = strawberry.field(description="The jobseeker's phone, if given.")
    language: Language = strawberry.field(description="The jobseeker's language.")
    status: RegistrationStatus = strawberry.field(description="Where it stands.")
    created_at: datetime.datetime = strawberry.field(description="When it was made.")
    attendance: AttendanceMark | None = strawberry.field(
        description="Whether the jobseeker came, once the provider has marked it.")


@strawberry.type(description="One of the provider's visits (upcoming, or of the last 30 "
                             "days) and who is coming or came.")
class ProviderStudyVisit:
    visit: StudyVisit = strawberry.field(description="The visit, with seats left.")
    course_id: strawberry.ID = strawberry.field(description="The visit's course.")
    course_title: str = strawberry.field(description="The course's title (Swedish).")
    country: Country = strawberry.field(
        description="The provider's country: the visit's times are its time zone's.")
    seats_taken: int = strawberry.field(description="Pending and confirmed registrations.")
    attended_count: int = strawberry.field(
        description="How many were marked as attended; kept after personal data is deleted.")
    registrations: list[ProviderRegistration] = strawberry.field(
        description="The registrations holding a seat (pending, confirmed, or OFFERED: held "
                    "for the first in the waitlist until they claim it), oldest first.")
    waitlist_length: int = strawberry.field(description="How many wait for a seat.")
    waitlist: list[ProviderRegistration] = strawberry.field(
        description="The first 100 WAITLISTED, next in line first.")


@strawberry.type(description="The provider's visits, or why the token shows none.")
class ProviderStudyVisitsPayload:
    result: RegistrationActionResult = strawberry.field(
        description="DONE, or INVALID_TOKEN / EXPIRED_TOKEN (then `visits` is empty).")
    listed: strawberry.Private[list[ProviderStudyVisit]]

    @strawberry.field(description="Upcoming visits whose course names the token's contact, by "
                                  "start: the first `first` of them.")
    def visits(self, first: Annotated[int, strawberry.argument(
            description=f"At most this many (0 to {MAX_VISITS}); asking for fewer keeps "
                        "the operation's cost down.")] = MAX_VISITS,
               ) -> list[ProviderStudyVisit]:
        if not 0 <= first <= MAX_VISITS:
            raise InputError("first", f"between 0 and {MAX_VISITS}")
        return self.listed[:first]

    @strawberry.field(description="How many visits there are in all.")
    def visit_count(self) -> int:
        return len(self.listed)


@strawberry.type(description="What became of one registration of a decision.")
class ProviderDecisionOutcome:
    registration_id: strawberry.ID = strawberry.field(description="The registration.")
    result: RegistrationActionResult = strawberry.field(
        description="DONE, ALREADY_DONE, NOT_ALLOWED, or NOT_FOUND (also for another "
                    "provider's registration).")
    status: RegistrationStatus | None = strawberry.field(
        description="Its status now, when known.")


@strawberry.type(description="The outcome of deciding several registrations at once.")
class ProviderDecisionsPayload:
    result: RegistrationActionResult = strawberry.field(
        description="DONE, or INVALID_TOKEN / EXPIRED_TOKEN (then nothing changed).")
    outcomes: list[ProviderDecisionOutcome] = strawberry.field(
        description="One per distinct registration id, in the order given.")


def provider_registration(value: models.Registration, mark: Attendance | None
                          ) -> ProviderRegistration:
    return ProviderRegistration(
        attendance=AttendanceMark[mark.name] if mark is not None else None,
        id=strawberry.ID(value.id), reference=short_reference(value.id), name=value.name,
        email=value.email, phone=value.phone,
        language=Language[value.language.name],
        status=RegistrationStatus[value.status.name],
        created_at=datetime.datetime.fromtimestamp(value.created_at, datetime.UTC),
    )


def provider_visit(item: ProviderVisit) -> ProviderStudyVisit:
    return ProviderStudyVisit(
        visit=study_visit(item.visit, item.seats_taken),
        course_id=strawberry.ID(item.visit.course_id),
        course_title=item.visit.course_title,
        country=Country(item.visit.country.value),
        seats_taken=item.seats_taken,
        attended_count=item.attended_count,
        registrations=[provider_registration(r, item.attendance.get(r.id))
                       for r in item.registrations],
        waitlist_length=item.waitlist_length,
        waitlist=[provider_registration(r, None) for r in item.waitlist],
    )


def decision_outcome(value: DecisionOutcome) -> ProviderDecisionOutcome:
    status = value.outcome.status
    return ProviderDecisionOutcome(
        registration_id=strawberry.ID(value.registration_id),
        result=RegistrationActionResult[value.outcome.result.name],
        status=RegistrationStatus[status.name] if status is not None else None,
    )


def token_result(result: ActionResult) -> RegistrationActionResult:
    return RegistrationActionResult[result.name]


def mark_outcome(registration_id: str, result: MarkResult) -> ProviderDecisionOutcome:
    return ProviderDecisionOutcome(registration_id=strawberry.ID(registration_id),
                                   result=RegistrationActionResult[result.name], status=None)
