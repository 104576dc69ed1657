"""Registering for a study visit and acting on a link token: the service layer.

Resolvers and pages call this; it talks to Redis (rate limits, the visit's record, the
store's Lua scripts), Meilisearch only for a visit without a record, and the job queue.
A dependency that does not answer in time raises ``ServiceUnavailable``.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
import time
from dataclasses import dataclass, field
from enum import StrEnum

import httpx
from arq.connections import ArqRedis
from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.durability import DurabilityGate, aof_wait
from core.errors import ServiceUnavailable
from core.outages import registrations_call
from core.settings import Settings
from core.visits import closing, dispatch, keys, withdrawal
from core.visits.awaiting import result
from core.visits.catalog import find_visit
from core.visits.dispatch import Job
from core.visits.links import token_expiry
from core.visits.models import (
    CancelReason,
    DeclineReason,
    ErrorCode,
    FieldError,
    Registration,
    RegistrationInput,
    RegistrationStatus,
    Visit,
)
from core.visits.provider_links import contact_of
from core.visits.pseudonyms import email_digest
from core.visits.ratelimit import RateLimits, Refusal, RegistrationRateLimiter
from core.visits.reminders import lead_seconds
from core.visits.store import RegistrationStore, ReserveOutcome, TransitionOutcome
from core.visits.tokens import TokenAction, TokenClaims, TokenError, TokenProblem, verify
from core.visits.validation import RawRegistration, message, validate
from core.visits.visit_records import records_key, visit_from_record
from core.visits.waitlist import ClaimOutcome, JoinOutcome, Waitlist

logger = logging.getLogger(__name__)

DAY = 86_400
SEAT_ATTEMPTS = 3  # a seat freed while joining the line: reserve it (a few times at most)
_HOLDS_SEAT = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED,
               RegistrationStatus.OFFERED)

_FAILURES = {
    ReserveOutcome.FULL: ("visitId", ErrorCode.VISIT_FULL, {
        "sv": "Studiebesöket är fullbokat.", "en": "The study visit is fully booked.",
        "da": "Studiebesøget er fuldt booket.", "nb": "Studiebesøket er fullbooket."}),
    ReserveOutcome.ALREADY: ("email", ErrorCode.ALREADY_REGISTERED, {
        "sv": "Du är redan anmäld till det här studiebesöket.",
        "en": "You are already registered for this study visit.",
        "da": "Du er allerede tilmeldt dette studiebesøg.",
        "nb": "Du er allerede påmeldt dette studiebesøket."}),
}
_PASSED = {"sv": "Studiebesöket har redan ägt rum.",
           "en": "The study visit has already taken place.",
           "da": "Studiebesøget har allerede fundet sted.",
           "nb": "Studiebesøket har allerede funnet sted."}
_CLOSED = {"sv": "Anmälan till studiebesöket har stängt.",
           "en": "Registration for this study visit has closed.",
           "da": "Tilmeldingen til studiebesøget er lukket.",
           "nb": "Påmeldingen til studiebesøket er stengt."}


@dataclass(frozen=True, slots=True)
class RegisterOutcome:
    registration: Registration | None = None
    seats_taken: int | None = None
    errors: list[FieldError] = field(default_factory=list)


class ActionResult(StrEnum):
    DONE = "DONE"
    ALREADY_DONE = "ALREADY_DONE"
    NOT_ALLOWED = "NOT_ALLOWED"
    NOT_FOUND = "NOT_FOUND"
    INVALID_TOKEN = "INVALID_TOKEN"
    EXPIRED_TOKEN = "EXPIRED_TOKEN"


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    result: ActionResult
    action: TokenAction | None = None
    status: RegistrationStatus | None = None
    registration: Registration | None = None


_TARGETS = {
    TokenAction.CONFIRM: RegistrationStatus.CONFIRMED,
    TokenAction.DECLINE: RegistrationStatus.DECLINED,
    TokenAction.CANCEL: RegistrationStatus.CANCELLED,
    TokenAction.CLAIM: RegistrationStatus.PENDING,
}


def registration_expiry(end_ts: int, retention_days: int) -> int:
    """Personal data goes this many days after the visit ends."""
    return end_ts + retention_days * DAY


class VisitService:
    """One per process (or per request: it holds nothing but clients and scripts)."""

    def __init__(self, settings: Settings, redis: Redis, meili: httpx.AsyncClient,
                 queue: ArqRedis) -> None:
        self.settings = settings
        self.redis = redis
        self.meili = meili
        self.queue = queue
        self.store = RegistrationStore(redis, aof_wait(settings), DurabilityGate(settings))
        self.waitlist = Waitlist(self.store, settings)
        self.limiter = RegistrationRateLimiter(redis, settings.secret_key, RateLimits(
            settings.registration_rate_limit_per_ip,
            settings.registration_rate_limit_per_email,
            settings.registration_rate_window_seconds,
            settings.emails_per_address_per_day,
        ))

    async def find_visit(self, visit_id: str) -> Visit | None:
        """The visit from its Redis record (so registration works while Meilisearch is
        down), else from the index: a visit without a record yet (``visit_records``)."""
        key = records_key(self.settings.meili_index)
        return await self._visit(await result(self.redis.hget(key, visit_id)), visit_id)

    async def _visit(self, record: bytes | str | None, visit_id: str) -> Visit | None:
        """The visit of its ``record`` (read by the caller), else from the index."""
        if record is not None:
            return visit_from_record(record)
        return await find_visit(self.meili, self.settings.meili_index, visit_id)

    @registrations_call
    async def register(self, raw: RawRegistration, client_address: str,
                       join_waitlist_if_full: bool = False) -> RegisterOutcome:
        """Register; a full visit puts the registration on its waitlist when asked to."""
        checked = validate(raw)
        if isinstance(checked, list):
            return RegisterOutcome(errors=checked)
        digest = email_digest(self.settings.secret_key, checked.email)
        attempt = self.limiter.attempt(client_address, digest)
        async with self.redis.pipeline(transaction=False) as pipe:  # one round trip
            self.limiter.send(pipe, attempt)
            pipe.hget(records_key(self.settings.meili_index), checked.visit_id)
            admitted, record = await pipe.execute()
        admission = attempt.decide(admitted)
        if isinstance(admission, Refusal):
            return RegisterOutcome(errors=[admission.error(checked.language)])
        visit = await self._visit(record, checked.visit_id)
        outcome = await self._register_admitted(checked, digest, visit, join_waitlist_if_full)
        if outcome.registration is None:
            # No registration, no email: the attempt leaves the daily email cap. (After
            # an exception it stays counted: the registration may have been stored.)
            await self.limiter.release(admission)
        return outcome

    async def _register_admitted(self, checked: RegistrationInput, digest: str,
                                 visit: Visit | None, join_waitlist_if_full: bool
                                 ) -> RegisterOutcome:
        """Register for ``visit`` (``None``: not found); ``digest``: the email's hash."""
        lang = checked.language.value
        if visit is None:
            return RegisterOutcome(errors=[
                FieldError("visitId", message("visit", checked.language), ErrorCode.NOT_FOUND)])
        now = int(time.time())
        if visit.start_ts <= now:
            return RegisterOutcome(errors=[
                FieldError("visitId", _PASSED[lang], ErrorCode.VISIT_PASSED)])
        closes = closing.visit_closes_at(visit, self.settings.registration_closes_hours_before)
        if closing.is_closed(closes, now):
            return RegisterOutcome(errors=[
                FieldError("visitId", _CLOSED[lang], ErrorCode.REGISTRATION_CLOSED)])
        registration = Registration(
            id=secrets.token_urlsafe(16),
            status=RegistrationStatus.PENDING,
            visit=visit,
            name=checked.name,
            email=checked.email,
            phone=checked.phone,
            language=checked.language,
            created_at=now,
            updated_at=now,
            expires_at=registration_expiry(
                visit.end_ts, self.settings.personal_data_retention_days),
        )
        owed = (Job.PROVIDER_NOTIFICATION, Job.JOBSEEKER_RECEIPT)
        # Stored with the registration: its due times and the visit's contact.
        due = closing.due_entries(registration.id, now, visit.start_ts,
                                  self.settings.pending_reminder_hours)
        contact = contact_of(self.settings.secret_key, visit)
        # the e-mail jobs, queued once the registration is stored for good
        jobs = dispatch.enqueue_command(self.queue, owed, registration.id,
                                        guard=keys.registration(registration.id))
        for _ in range(SEAT_ATTEMPTS):
            reserved = await self.store.reserve(
                registration, digest, now,
                outbox=tuple(job.value for job in owed), due=due, contact=contact, then=jobs,
            )
            if reserved.outcome is not ReserveOutcome.FULL or not join_waitlist_if_full:
                break
            waiting = dataclasses.replace(registration, status=RegistrationStatus.WAITLISTED)
            joined = await self.waitlist.join(waiting, digest, now,
                                              (Job.JOBSEEKER_RECEIPT.value,))
            if joined.outcome is JoinOutcome.ALREADY:
                reserved = dataclasses.replace(reserved, outcome=ReserveOutcome.ALREADY)
                break
            if joined.outcome is JoinOutcome.WAITLISTED:
                return await self._waitlisted(
                    dataclasses.replace(waiting, waitlist_position=joined.position))
        if reserved.outcome is not ReserveOutcome.OK:
            field_name, code, texts = _FAILURES[reserved.outcome]
            return RegisterOutcome(errors=[FieldError(field_name, texts[lang], code)])
        return RegisterOutcome(registration=registration, seats_taken=reserved.seats_taken)

    async def _waitlisted(self, registration: Registration) -> RegisterOutcome:
        await dispatch.enqueue(self.queue, Job.JOBSEEKER_RECEIPT, registration.id)
        return RegisterOutcome(registration=registration)

    async def seat_freed(self, visit_id: str) -> list[str]:
        """Offer the visit's free seats to its waitlist (:mod:`core.visits.waitlist`),
        with the visit as it is now (its capacity); the registration ids offered.

        The change that freed the seat is done: a dependency failing here leaves the
        seat to the ``sweep_waitlists`` cron (within a minute), never fails the caller."""
        try:
            visit = await self.find_visit(visit_id)
            if visit is None:  # withdrawn: its registrations are being cancelled
                return []
            return await self.waitlist.seat_freed(visit, int(time.time()), self.queue)
        except (ServiceUnavailable, RedisError, OSError):
            logger.warning("seat of visit %s not offered now; left to the sweep", visit_id)
            return []

    def read_token(self, token: str, allowed: tuple[TokenAction, ...]
                   ) -> TokenClaims | ActionOutcome:
        try:
            claims = verify(self.settings.secret_key, token)
        except TokenError as exc:
            expired = exc.problem is TokenProblem.EXPIRED
            return ActionOutcome(
                ActionResult.EXPIRED_TOKEN if expired else ActionResult.INVALID_TOKEN)
        if claims.action not in allowed:
            return ActionOutcome(ActionResult.INVALID_TOKEN)
        return claims

    async def claims(self, token: str, allowed: tuple[TokenAction, ...]
                     ) -> TokenClaims | ActionOutcome:
        """The token's claims; one past its signed expiry still counts when a reschedule
        moved the registration's visit later and the moved expiry has not passed."""
        claims = self.read_token(token, allowed)
        if isinstance(claims, ActionOutcome) and claims.result is ActionResult.EXPIRED_TOKEN:
            signed = verify(self.settings.secret_key, token, now=0)
            registration = await self.store.get(signed.registration_id)
            if (signed.action in allowed and registration is not None
                    and registration.previous_visit is not None
                    and token_expiry(registration, signed.action) > time.time()):
                return signed
        return claims

    @registrations_call
    async def preview(self, token: str, allowed: tuple[TokenAction, ...]) -> ActionOutcome:
        """What a link would act on, changing nothing (GET of a link page)."""
        claims = await self.claims(token, allowed)
        if isinstance(claims, ActionOutcome):
            return claims
        registration = await self.store.get(claims.registration_id)
        if registration is None:
            return ActionOutcome(ActionResult.NOT_FOUND, claims.action)
        return ActionOutcome(ActionResult.DONE, claims.action, registration.status, registration)

    async def _erase(self, registration_id: str) -> ActionOutcome:
        """Erase the registration; an active one the provider knows of leaves them a
        withdrawal notice without personal data (:mod:`core.visits.withdrawal`)."""
        registration = await self.store.get(registration_id)
        notice = None
        if registration is not None and withdrawal.owes_notice(
                registration, Job.PROVIDER_NOTIFICATION.value):
            notice = (Job.PROVIDER_WITHDRAWAL.value,
                      withdrawal.notice_record(registration, int(time.time())))
        erased = await self.store.erase(registration_id, dispatch.ALL_EMAIL_JOBS, notice)
        if erased and notice is not None:
            await dispatch.enqueue(self.queue, Job.PROVIDER_WITHDRAWAL,
                                   withdrawal.notice_id(registration_id))
        if erased and registration is not None and registration.status in _HOLDS_SEAT:
            await self.seat_freed(registration.visit.id)
        return ActionOutcome(ActionResult.DONE if erased else ActionResult.NOT_FOUND,
                             TokenAction.ERASE)

    @registrations_call
    async def act(self, token: str, allowed: tuple[TokenAction, ...],
                  decline_reason: DeclineReason | None = None) -> ActionOutcome:
        """Carry out the token's action: decide, cancel or erase."""
        claims = await self.claims(token, allowed)
        if isinstance(claims, ActionOutcome):
            return claims
        return await self.apply(claims.registration_id, claims.action, decline_reason)

    async def apply(self, registration_id: str, action: TokenAction,
                    decline_reason: DeclineReason | None = None) -> ActionOutcome:
        """Carry out ``action`` on a registration the caller may act on (a link token's,
        or one of a provider's own, :mod:`core.visits.provider_access`); a decline keeps
        its reason for the jobseeker's email, a confirmation schedules the reminder."""
        if action is TokenAction.ERASE:
            return await self._erase(registration_id)
        if action is TokenAction.CLAIM:
            return await self._claim(registration_id)
        target = _TARGETS[action]
        jobs: tuple[Job, ...]
        if action is TokenAction.CANCEL:  # leaving the waitlist too
            allowed_from: tuple[RegistrationStatus, ...] = (
                RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED,
                RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED)
            jobs = (Job.PROVIDER_CANCELLATION, Job.CANCELLATION_RECEIPT)
            reason: CancelReason | None = CancelReason.JOBSEEKER
        else:
            allowed_from, jobs, reason = (RegistrationStatus.PENDING,), (Job.DECISION,), None
        changed = await self.store.transition(
            registration_id, allowed_from, target, int(time.time()),
            outbox_jobs=tuple(job.value for job in jobs), cancel_reason=reason,
            reminder_lead_seconds=lead_seconds(self.settings),
            decline_reason=decline_reason if action is TokenAction.DECLINE else None,
        )
        if changed.outcome is TransitionOutcome.NOT_FOUND:
            return ActionOutcome(ActionResult.NOT_FOUND, action)
        if changed.outcome is TransitionOutcome.CONFLICT:
            result = (ActionResult.ALREADY_DONE if changed.previous is target
                      else ActionResult.NOT_ALLOWED)
            return ActionOutcome(result, action, changed.previous)
        for job in jobs:
            await dispatch.enqueue(self.queue, job, registration_id)
        if changed.previous in _HOLDS_SEAT:
            await self.offer_seat_of(registration_id)
        return ActionOutcome(ActionResult.DONE, action, target)

    async def offer_seat_of(self, registration_id: str) -> None:
        """The registration gave up its seat: offer it to the visit's waitlist."""
        visit_id = await self.store.visit_of(registration_id)
        if visit_id is not None:
            await self.seat_freed(visit_id)

    async def _claim(self, registration_id: str) -> ActionOutcome:
        now = int(time.time())
        claimed = await self.waitlist.claim(registration_id, now, self.queue)
        if claimed.outcome is ClaimOutcome.NOT_FOUND:
            return ActionOutcome(ActionResult.NOT_FOUND, TokenAction.CLAIM)
        if claimed.outcome is ClaimOutcome.LAPSED:
            return ActionOutcome(ActionResult.EXPIRED_TOKEN, TokenAction.CLAIM)
        if claimed.outcome is ClaimOutcome.CONFLICT:
            previous = RegistrationStatus(claimed.status) if claimed.status else None
            result = (ActionResult.ALREADY_DONE
                      if previous in (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED)
                      else ActionResult.NOT_ALLOWED)
            return ActionOutcome(result, TokenAction.CLAIM, previous)
        # its expiry at the start was written on registering; the provider's reminders
        # count from the claim (the sweeper reads claimedAt)
        pending = await self.store.get(registration_id)
        if pending is not None:
            await closing.schedule(self.redis, registration_id, now, pending.visit.start_ts,
                                   self.settings.pending_reminder_hours)
        return ActionOutcome(ActionResult.DONE, TokenAction.CLAIM, RegistrationStatus.PENDING)
