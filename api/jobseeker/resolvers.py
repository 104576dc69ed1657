"""The jobseeker's self-service in GraphQL: ask for the "my study visits" link, list the
registrations with its token, and cancel or erase one of them. Thin resolvers over
:class:`core.visits.my_registrations.MyRegistrations`."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.jobseeker.pages import act_on_own, ics_url, my_registrations, read_token
from api.search.enums import Country, Language, to_core
from api.search.types import StudyVisit
from api.visits.runtime import client_address
from api.visits.types import (
    RegistrationActionPayload,
    RegistrationActionResult,
    RegistrationError,
    RegistrationStatus,
    action_payload,
    error,
    study_visit,
)
from core.visits import models
from core.visits.service import ActionResult
from core.visits.tokens import TokenAction

MyToken = Annotated[str, strawberry.argument(
    description="The token of the emailed \"my study visits\" link.")]
MyRegistrationId = Annotated[strawberry.ID, strawberry.argument(
    description="One of the registrations myRegistrations lists for that token.")]


@strawberry.type(description="One of the jobseeker's own registrations.")
class MyRegistration:
    id: strawberry.ID = strawberry.field(description="The registration's id.")
    status: RegistrationStatus = strawberry.field(description="Where it stands.")
    created_at: datetime.datetime = strawberry.field(description="When it was made.")
    course_title: str = strawberry.field(description="The course's title (Swedish).")
    provider_name: str = strawberry.field(description="The training provider.")
    country: Country = strawberry.field(
        description="The provider's country: the visit's times are its time zone's.")
    visit: StudyVisit = strawberry.field(
        description="The visit as registered (seatsLeft is not counted here).")
    waitlist_position: int | None = strawberry.field(
        description="The place in the waitlist's line now (1 = next); null when not "
                    "WAITLISTED.")
    ics_url: str | None = strawberry.field(
        description="Where its calendar event (.ics) is downloaded with the same token; "
                    "null once it is no longer pending or confirmed.")


@strawberry.type(description="The jobseeker's registrations, or why the token shows none.")
class MyRegistrationsPayload:
    result: RegistrationActionResult = strawberry.field(
        description="DONE, or INVALID_TOKEN / EXPIRED_TOKEN (then the list is empty).")
    registrations: list[MyRegistration] = strawberry.field(
        description="The address's registrations whose data still exists, by visit start.")


@strawberry.type(description="Always the same answer for a valid address: whether or not it "
                             "has registrations is never revealed.")
class RequestMyRegistrationsLinkPayload:
    errors: list[RegistrationError] = strawberry.field(
        description="INVALID email or RATE_LIMITED; empty otherwise.")


def _mine(value: models.Registration, base_url: str, token: str) -> MyRegistration:
    return MyRegistration(
        id=strawberry.ID(value.id), status=RegistrationStatus[value.status.name],
        created_at=datetime.datetime.fromtimestamp(value.created_at, datetime.UTC),
        course_title=value.visit.course_title, provider_name=value.visit.provider_name,
        country=Country(value.visit.country.value), visit=study_visit(value.visit, 0),
        waitlist_position=(value.waitlist_position
                           if value.status is models.RegistrationStatus.WAITLISTED else None),
        ics_url=ics_url(base_url, token, value.id) if value.status.active else None)


@strawberry.type
class JobseekerQuery:
    @strawberry.field(description="The registrations of the address the token was sent to.")
    async def my_registrations(
        self, info: Info[Context, None],
        token: MyToken,
    ) -> MyRegistrationsPayload:
        request = info.context.request
        digest = read_token(request, token)
        if isinstance(digest, ActionResult):
            return MyRegistrationsPayload(
                result=RegistrationActionResult[digest.name], registrations=[])
        mine = my_registrations(request)
        found = await mine.registrations(digest)
        base_url = mine.settings.public_base_url
        return MyRegistrationsPayload(result=RegistrationActionResult.DONE,
                                      registrations=[_mine(r, base_url, token) for r in found])


@strawberry.type
class JobseekerMutation:
    @strawberry.mutation(description="Email a link to \"my study visits\" to the address, if "
                                     "it has registrations. The answer is the same either way.")
    async def request_my_registrations_link(
        self, info: Info[Context, None], email: str, language: Language,
    ) -> RequestMyRegistrationsLinkPayload:
        request = info.context.request
        outcome = await my_registrations(request).request_link(
            email, to_core(language, models.Language), client_address(request))
        return RequestMyRegistrationsLinkPayload(errors=[error(e) for e in outcome.errors])

    @strawberry.mutation(description="Cancel one of the token's registrations (also leaving "
                                     "the waitlist); frees the seat. NOT_FOUND for a "
                                     "registration of another address.")
    async def cancel_my_registration(self, info: Info[Context, None], token: MyToken,
                                     registration_id: MyRegistrationId
                                     ) -> RegistrationActionPayload:
        return await _act(info, token, registration_id, TokenAction.CANCEL)

    @strawberry.mutation(description="Delete one of the token's registrations and its personal "
                                     "data now (right to erasure). NOT_FOUND for a "
                                     "registration of another address.")
    async def erase_my_registration(self, info: Info[Context, None], token: MyToken,
                                    registration_id: MyRegistrationId
                                    ) -> RegistrationActionPayload:
        return await _act(info, token, registration_id, TokenAction.ERASE)


async def _act(info: Info[Context, None], token: str, registration_id: strawberry.ID,
               action: TokenAction) -> RegistrationActionPayload:
    request = info.context.request
    digest = read_token(request, token)
    if isinstance(digest, ActionResult):
        return action_payload(digest, None)
    outcome = await act_on_own(request, digest, str(registration_id), action)
    return action_payload(outcome.result, outcome.status)
