"""Study-visit mutations: thin resolvers over :class:`core.visits.service.VisitService`."""

from __future__ import annotations

from typing import Annotated

import strawberry
from starlette.requests import Request
from strawberry.types import Info

from api.context import Context
from api.metrics import OK, REGISTRATIONS, UNAVAILABLE
from api.search.enums import to_core
from api.search.failures import raise_remembered
from api.visits.runtime import client_address, visit_service
from api.visits.types import (
    DeclineReason,
    RegisterForStudyVisitInput,
    RegisterForStudyVisitPayload,
    RegistrationActionPayload,
    action_payload,
    error,
    registration,
)
from core.errors import ServiceUnavailable
from core.outages import REGISTRATIONS as REGISTRATIONS_DEPENDENCY
from core.visits import models
from core.visits.models import Language
from core.visits.tokens import TokenAction
from core.visits.validation import RawRegistration

TokenArg = Annotated[str, strawberry.argument(description="The token from the emailed link.")]
DeclineReasonArg = Annotated[DeclineReason | None, strawberry.argument(
    description="Why the provider declines (a decline link only); stated in the email.")]


async def register(request: Request, input: RegisterForStudyVisitInput
                   ) -> RegisterForStudyVisitPayload:
    """Register, and the payload: the resolver's and the compiled path's
    (:mod:`api.visits.compiled`)."""
    try:
        outcome = await visit_service(request).register(
            RawRegistration(
                visit_id=str(input.visit_id),
                name=input.name,
                email=input.email,
                phone=input.phone,
                language=to_core(input.language, Language),
                consent=input.consent,
            ),
            client_address(request),
            join_waitlist_if_full=input.join_waitlist_if_full,
        )
    except ServiceUnavailable:
        REGISTRATIONS.labels(UNAVAILABLE).inc()
        raise
    if outcome.registration is None:
        REGISTRATIONS.labels(outcome.errors[0].code.value.lower()).inc()
        return RegisterForStudyVisitPayload(
            registration=None, errors=[error(e) for e in outcome.errors])
    REGISTRATIONS.labels(OK).inc()
    made = outcome.registration
    seats_taken = made.visit.capacity if made.status.on_waitlist else outcome.seats_taken
    return RegisterForStudyVisitPayload(
        registration=registration(made, seats_taken or 0, made.waitlist_position),
        errors=[])


@strawberry.type(description="Study-visit registration and the provider's decision.")
class VisitsMutation:
    @strawberry.mutation(description="Register for a study visit. Expected failures come back "
                                     "in `errors`; the provider is emailed on success.")
    async def register_for_study_visit(
        self, info: Info[Context, None], input: RegisterForStudyVisitInput,
    ) -> RegisterForStudyVisitPayload:
        request = info.context.request
        # the compiled path met a failure after registering: raise it, do not register again
        raise_remembered(request, REGISTRATIONS_DEPENDENCY)
        return await register(request, input)

    @strawberry.mutation(description="The provider's decision, with the token of the confirm or "
                                     "decline link. Only a pending registration can be decided.")
    async def decide_study_visit_registration(
        self, info: Info[Context, None], token: TokenArg,
        reason: DeclineReasonArg = None) -> RegistrationActionPayload:
        outcome = await visit_service(info.context.request).act(
            token, (TokenAction.CONFIRM, TokenAction.DECLINE),
            None if reason is None else to_core(reason, models.DeclineReason))
        return action_payload(outcome.result, outcome.status)

    @strawberry.mutation(description="Cancel a registration with the token of the jobseeker's "
                                     "cancel link; frees the seat.")
    async def cancel_study_visit_registration(
        self, info: Info[Context, None], token: TokenArg) -> RegistrationActionPayload:
        outcome = await visit_service(info.context.request).act(token, (TokenAction.CANCEL,))
        return action_payload(outcome.result, outcome.status)

    @strawberry.mutation(description="Delete a registration and its personal data now (right "
                                     "to erasure), with the token of the emailed link.")
    async def erase_study_visit_registration(
        self, info: Info[Context, None], token: TokenArg) -> RegistrationActionPayload:
        outcome = await visit_service(info.context.request).act(token, (TokenAction.ERASE,))
        return action_payload(outcome.result, outcome.status)

    @strawberry.mutation(description="Take the seat a waitlist offer holds for you, with the "
                                     "token of the emailed offer: the registration becomes "
                                     "PENDING and goes to the provider.")
    async def claim_study_visit_seat(
        self, info: Info[Context, None], token: TokenArg) -> RegistrationActionPayload:
        outcome = await visit_service(info.context.request).act(token, (TokenAction.CLAIM,))
        return action_payload(outcome.result, outcome.status)
