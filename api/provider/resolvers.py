"""The provider's self-service in GraphQL: thin resolvers over
:class:`core.visits.provider_access.ProviderAccess`, taking the page link's token."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.context import Context
from api.provider.pages import provider_access
from api.provider.types import (
    ProviderDecision,
    ProviderDecisionOutcome,
    ProviderDecisionsPayload,
    ProviderStudyVisitsPayload,
    decision_outcome,
    mark_outcome,
    provider_visit,
    token_result,
)
from api.search.enums import to_core
from api.visits.types import DeclineReason
from core.errors import InputError
from core.visits import models
from core.visits.attendance import Attendance
from core.visits.provider_access import (
    MAX_DECISIONS_PER_REQUEST,
    ProviderAccess,
    ProviderClaims,
)
from core.visits.service import ActionResult
from core.visits.tokens import TokenAction

ProviderToken = Annotated[str, strawberry.argument(
    description="The token of the provider's \"your study visits\" link.")]


@strawberry.type
class ProviderQuery:
    @strawberry.field(description="The upcoming study visits of the token's contact person "
                                  "and organisation, with their registrations.")
    async def provider_study_visits(self, info: Info[Context, None], token: ProviderToken
                                    ) -> ProviderStudyVisitsPayload:
        access = provider_access(info.context.request)
        claims = access.claims(token)
        if isinstance(claims, ActionResult):
            return ProviderStudyVisitsPayload(result=token_result(claims), listed=[])
        listing = await access.list_visits(claims)
        return ProviderStudyVisitsPayload(result=token_result(ActionResult.DONE),
                                          listed=[provider_visit(item) for item in listing])


def _batch(info: Info[Context, None], token: str, registration_ids: list[strawberry.ID]
           ) -> tuple[ProviderAccess, ProviderClaims, list[str]] | ProviderDecisionsPayload:
    """The access, the token's claims and the ids of a batch mutation; or its answer for
    a bad token. More than 100 ids is a client error, decided before any work."""
    if len(registration_ids) > MAX_DECISIONS_PER_REQUEST:
        raise InputError("registrationIds", f"at most {MAX_DECISIONS_PER_REQUEST} ids")
    access = provider_access(info.context.request)
    claims = access.claims(token)
    if isinstance(claims, ActionResult):
        return ProviderDecisionsPayload(result=token_result(claims), outcomes=[])
    return access, claims, [str(i) for i in registration_ids]


def _done(outcomes: list[ProviderDecisionOutcome]) -> ProviderDecisionsPayload:
    return ProviderDecisionsPayload(result=token_result(ActionResult.DONE), outcomes=outcomes)


@strawberry.type
class ProviderMutation:
    @strawberry.mutation(description="Confirm or decline several pending registrations of the "
                                     "token's visits at once (at most 100).")
    async def decide_provider_registrations(
        self, info: Info[Context, None], token: ProviderToken,
        registration_ids: list[strawberry.ID], decision: ProviderDecision,
        decline_reason: Annotated[DeclineReason | None, strawberry.argument(
            description="Why the provider declines; stated in the jobseekers' email.")] = None,
    ) -> ProviderDecisionsPayload:
        batch = _batch(info, token, registration_ids)
        if isinstance(batch, ProviderDecisionsPayload):
            return batch
        access, claims, ids = batch
        action = (TokenAction.CONFIRM if decision is ProviderDecision.CONFIRM
                  else TokenAction.DECLINE)
        reason = None if decline_reason is None else to_core(decline_reason,
                                                             models.DeclineReason)
        return _done([decision_outcome(o)
                      for o in await access.decide(claims, ids, action, reason)])

    @strawberry.mutation(description="After a visit has started: mark confirmed registrations "
                                     "of the token's visits as attended or not (at most 100).")
    async def mark_provider_attendance(
        self, info: Info[Context, None], token: ProviderToken,
        registration_ids: list[strawberry.ID], attended: bool,
    ) -> ProviderDecisionsPayload:
        batch = _batch(info, token, registration_ids)
        if isinstance(batch, ProviderDecisionsPayload):
            return batch
        access, claims, ids = batch
        mark = Attendance.ATTENDED if attended else Attendance.ABSENT
        marked = await access.mark_attendance(claims, ids, mark)
        return _done([mark_outcome(i, r) for i, r in marked])

    @strawberry.mutation(description="Withdraw confirmations of the token's visits that have "
                                     "not started (at most 100): each registration is "
                                     "cancelled and the jobseeker emailed a cancelling .ics.")
    async def undo_provider_confirmations(
        self, info: Info[Context, None], token: ProviderToken,
        registration_ids: list[strawberry.ID],
    ) -> ProviderDecisionsPayload:
        batch = _batch(info, token, registration_ids)
        if isinstance(batch, ProviderDecisionsPayload):
            return batch
        access, claims, ids = batch
        return _done([decision_outcome(o) for o in await access.undo_confirmations(claims, ids)])
