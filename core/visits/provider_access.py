"""The provider's own page: a token per contact person and organisation, its visits and
the registrations on them, and deciding several registrations at once.

A provider token is ``["provider", organisation digits, contact-email HMAC, expiry]``
signed with the secret key under a salt of its own (so a registration's link token can
never pass for one, nor the reverse). It holds ids only: the contact's address appears
only as its keyed hash (:func:`core.visits.pseudonyms.email_digest`). It shows the visits
of that organisation whose course names that contact person, nothing else; the
organisation is also part of every service-wide visit id (``{digits}-{course}~{visit}``),
so a registration is acted on only if its visit is one the token lists.

The visits come from the Redis visit records (:mod:`core.visits.visit_records`), so the
page works while Meilisearch is down. The work of one request is bounded before it
starts: at most :data:`MAX_VISITS` upcoming visits, each with at most its capacity of
active registrations, and at most :data:`MAX_DECISIONS_PER_REQUEST` decisions at once.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import orjson
from itsdangerous import BadSignature, URLSafeSerializer
from redis.asyncio import Redis

from core.outages import registrations_call
from core.redis_values import as_text
from core.settings import Settings
from core.visits import dispatch, keys
from core.visits.attendance import FIELD as ATTENDANCE_FIELD
from core.visits.attendance import Attendance, AttendanceBook, MarkResult
from core.visits.awaiting import result
from core.visits.codec import decode_hash
from core.visits.dispatch import Job
from core.visits.models import (
    CancelReason,
    DeclineReason,
    Language,
    Registration,
    RegistrationStatus,
    Visit,
)
from core.visits.pseudonyms import email_digest
from core.visits.service import ActionOutcome, ActionResult, VisitService
from core.visits.store import TransitionOutcome
from core.visits.tokens import TokenAction, TokenError, TokenProblem, serializer
from core.visits.visit_records import providers_key, records_key, visit_from_record

SALT = "studyvisit.provider.v1"
MAX_TOKEN_CHARS = 512
MAX_VISITS = 200
MAX_DECISIONS_PER_REQUEST = 100
MAX_ID_CHARS = 64
ATTENDANCE_DAYS = 30  # visits this recent still show, to mark who came
MAX_CAPACITY = 200  # the feed contract's maximum seats of a visit
MAX_WAITLIST_LISTED = 100  # the first in a visit's waitlist shown (its length is counted)
DAY = 86_400

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ProviderClaims:
    organisation: str  # the organisation number's ten digits
    contact_digest: str
    expires_at: int


@dataclass(frozen=True, slots=True)
class ProviderVisit:
    """One visit (upcoming, or of the last :data:`ATTENDANCE_DAYS`) with its active
    registrations (pending and confirmed), their attendance marks and the count of
    those who came."""

    visit: Visit
    registrations: list[Registration]
    attendance: dict[str, Attendance] = field(default_factory=dict)
    attended_count: int = 0
    waitlist: list[Registration] = field(default_factory=list)  # WAITLISTED, in line order
    waitlist_length: int = 0

    def started(self, now: float) -> bool:
        return self.visit.start_ts <= now

    @property
    def seats_taken(self) -> int:
        return len(self.registrations)


def _serializer(secret_key: str) -> URLSafeSerializer:
    return serializer(secret_key, SALT)


def organisation_digits(organisation_number: str) -> str:
    return organisation_number.replace("-", "")


def issue_provider_token(settings: Settings, organisation_number: str, contact_email: str,
                         now: float | None = None) -> str:
    """A page token for this contact of this organisation, valid ``PROVIDER_LINK_DAYS``."""
    expires_at = int(time.time() if now is None else now) + settings.provider_link_days * DAY
    payload = ["provider", organisation_digits(organisation_number),
               email_digest(settings.secret_key, contact_email), expires_at]
    return str(_serializer(settings.secret_key).dumps(payload))


def provider_token_for_visit(settings: Settings, visit: Visit) -> str:
    """The page token of a visit's contact person (the organisation is in the visit id)."""
    return issue_provider_token(settings, visit.id.split("-", 1)[0], visit.contact_email)


def provider_page_url(settings: Settings, visit: Visit) -> str:
    """The "your study visits" link of the emails to a visit's contact person."""
    token = provider_token_for_visit(settings, visit)
    query = {"token": token}
    if visit.provider_language is not Language.SV:  # the page speaks the provider's language
        query["lang"] = visit.provider_language.value
    return f"{settings.public_base_url}/provider?{urlencode(query)}"


def verify_provider_token(secret_key: str, token: str, now: float | None = None
                          ) -> ProviderClaims:
    """The claims of a valid, unexpired provider token; :class:`TokenError` otherwise."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise TokenError(TokenProblem.INVALID)
    serializer = _serializer(secret_key)
    try:
        payload = serializer.loads(token)
    except BadSignature:
        raise TokenError(TokenProblem.INVALID) from None
    if (
        serializer.dumps(payload) != token
        or not isinstance(payload, list)
        or len(payload) != 4
        or payload[0] != "provider"
        or not isinstance(payload[1], str)
        or not isinstance(payload[2], str)
        or not isinstance(payload[3], int)
    ):
        raise TokenError(TokenProblem.INVALID)
    claims = ProviderClaims(payload[1], payload[2], payload[3])
    if claims.expires_at <= (time.time() if now is None else now):
        raise TokenError(TokenProblem.EXPIRED)
    return claims


def _as_in_feeds(digits: str) -> str:
    """The organisation identifier as feeds spell it: a Swedish organisation number
    NNNNNN-NNNN, a Danish CVR number (8 digits) and a Norwegian one (9) as their digits."""
    return f"{digits[:6]}-{digits[6:]}" if len(digits) == 10 else digits


async def contact_visits(redis: Redis, settings: Settings, claims: ProviderClaims
                     ) -> list[Visit]:
    """The claims' visits: the organisation's whose course names the contact, upcoming or
    of the last :data:`ATTENDANCE_DAYS`, by start, at most :data:`MAX_VISITS`."""
    index = settings.meili_index
    raw = await result(redis.hget(providers_key(index), _as_in_feeds(claims.organisation)))
    visit_ids = sorted(orjson.loads(raw)) if raw else []
    if not visit_ids:
        return []
    records = await result(redis.hmget(records_key(index), visit_ids))
    now = int(time.time())
    own = [visit for visit in (visit_from_record(r) for r in records if r is not None)
           if visit.start_ts > now - ATTENDANCE_DAYS * DAY
           and visit.id.split("-", 1)[0] == claims.organisation
           and email_digest(settings.secret_key, visit.contact_email)
           == claims.contact_digest]
    return sorted(own, key=lambda v: (v.start_ts, v.id))[:MAX_VISITS]


@dataclass(frozen=True, slots=True)
class DecisionOutcome:
    registration_id: str
    outcome: ActionOutcome


class ProviderAccess:
    """The provider's listing and decisions; one per process, like :class:`VisitService`."""

    def __init__(self, visits: VisitService) -> None:
        self.visits = visits
        self.settings: Settings = visits.settings
        self.redis: Redis = visits.redis
        self.book = AttendanceBook(visits.redis)

    def claims(self, token: str) -> ProviderClaims | ActionResult:
        """The token's claims, or why there are none (``INVALID_TOKEN``/``EXPIRED_TOKEN``)."""
        try:
            return verify_provider_token(self.settings.secret_key, token)
        except TokenError as exc:
            if exc.problem is TokenProblem.EXPIRED:
                return ActionResult.EXPIRED_TOKEN
            return ActionResult.INVALID_TOKEN

    async def _own_visits(self, claims: ProviderClaims) -> list[Visit]:
        return await contact_visits(self.redis, self.settings, claims)

    @registrations_call
    async def list_visits(self, claims: ProviderClaims) -> list[ProviderVisit]:
        """The contact's upcoming visits, each with its active registrations by time."""
        visits = await self._own_visits(claims)
        async with self.redis.pipeline(transaction=False) as pipe:
            for visit in visits:
                pipe.smembers(keys.active(visit.id))
            members = await pipe.execute()
        ids = [sorted(as_text(m) for m in found)[:visit.capacity]
               for visit, found in zip(visits, members, strict=True)]
        lines = await self._waitlists(visits)
        async with self.redis.pipeline(transaction=False) as pipe:
            for registration_ids in ids:
                for registration_id in registration_ids:
                    pipe.hgetall(keys.registration(registration_id))
            hashes = iter(await pipe.execute())
        attended = await self.book.attended_counts([visit.id for visit in visits])
        listing = []
        for visit, registration_ids in zip(visits, ids, strict=True):
            found = [{as_text(k): as_text(v) for k, v in raw.items()}
                     for raw in (next(hashes) for _ in registration_ids) if raw]
            registrations = sorted((decode_hash(fields) for fields in found),
                                   key=lambda r: (r.created_at, r.id))
            marks = {fields["id"]: Attendance(fields[ATTENDANCE_FIELD])
                     for fields in found if fields.get(ATTENDANCE_FIELD)}
            waiting, length = lines[visit.id]
            listing.append(ProviderVisit(visit, registrations, marks, attended[visit.id],
                                         waiting, length))
        log.info("provider page listed: organisation=%s visits=%d",
                 claims.organisation, len(listing))
        return listing

    async def _waitlists(self, visits: list[Visit]
                         ) -> dict[str, tuple[list[Registration], int]]:
        """Each visit's first :data:`MAX_WAITLIST_LISTED` in line, and the line's length."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for visit in visits:
                pipe.zrange(keys.waitlist(visit.id), 0, MAX_WAITLIST_LISTED - 1)
                pipe.zcard(keys.waitlist(visit.id))
            replies = await pipe.execute()
        lines = {visit.id: ([as_text(m) for m in replies[2 * i]], int(replies[2 * i + 1]))
                 for i, visit in enumerate(visits)}
        async with self.redis.pipeline(transaction=False) as pipe:
            for ids, _ in lines.values():
                for registration_id in ids:
                    pipe.hgetall(keys.registration(registration_id))
            hashes = iter(await pipe.execute())
        found: dict[str, tuple[list[Registration], int]] = {}
        for visit_id, (ids, length) in lines.items():
            raws = [next(hashes) for _ in ids]
            found[visit_id] = ([decode_hash({as_text(k): as_text(v) for k, v in raw.items()})
                                for raw in raws if raw], length)
        return found

    @registrations_call
    async def decide(self, claims: ProviderClaims, registration_ids: list[str],
                     action: TokenAction, decline_reason: DeclineReason | None = None
                     ) -> list[DecisionOutcome]:
        """Confirm or decline each of the registrations; one not on the contact's visits
        is ``NOT_FOUND`` (the same answer as one that does not exist)."""
        if action not in (TokenAction.CONFIRM, TokenAction.DECLINE):
            raise ValueError("a provider confirms or declines")
        wanted = self._bounded(registration_ids)
        now = int(time.time())
        own = {visit.id for visit in await self._own_visits(claims) if visit.start_ts > now}
        visit_of = await self._visits_of(wanted)
        outcomes = []
        for registration_id, visit_id in zip(wanted, visit_of, strict=True):
            if visit_id is None or visit_id not in own:  # not the contact's, or started
                outcome = ActionOutcome(ActionResult.NOT_FOUND, action)
            else:
                outcome = await self.visits.apply(registration_id, action, decline_reason)
            outcomes.append(DecisionOutcome(registration_id, outcome))
        log.info("provider decisions: organisation=%s action=%s requested=%d done=%d",
                 claims.organisation, action.value, len(wanted),
                 sum(o.outcome.result is ActionResult.DONE for o in outcomes))
        return outcomes

    @registrations_call
    async def mark_attendance(self, claims: ProviderClaims, registration_ids: list[str],
                              attendance: Attendance) -> list[tuple[str, MarkResult]]:
        """Mark confirmed registrations of the contact's started visits; one of another
        contact's visits is ``NOT_FOUND``."""
        wanted = self._bounded(registration_ids)
        now = int(time.time())
        own = {visit.id for visit in await self._own_visits(claims) if visit.start_ts <= now}
        visit_of = await self._visits_of(wanted)
        outcomes = []
        for registration_id, visit_id in zip(wanted, visit_of, strict=True):
            if visit_id is None or visit_id not in own:
                outcomes.append((registration_id, MarkResult.NOT_FOUND))
            else:
                outcomes.append((registration_id, await self.book.mark(
                    registration_id, visit_id, attendance, now)))
        log.info("provider attendance: organisation=%s mark=%s requested=%d",
                 claims.organisation, attendance.value, len(wanted))
        return outcomes

    @staticmethod
    def _bounded(registration_ids: list[str]) -> list[str]:
        return [registration_id for registration_id in dict.fromkeys(registration_ids)
                if 0 < len(registration_id) <= MAX_ID_CHARS][:MAX_DECISIONS_PER_REQUEST]

    async def _visits_of(self, registration_ids: list[str]) -> list[str | None]:
        async with self.redis.pipeline(transaction=False) as pipe:
            for registration_id in registration_ids:
                pipe.hget(keys.registration(registration_id), "visitId")
            return [None if v is None else as_text(v) for v in await pipe.execute()]

    @registrations_call
    async def undo_confirmations(self, claims: ProviderClaims, registration_ids: list[str]
                                 ) -> list[DecisionOutcome]:
        """Withdraw confirmations of the contact's visits that have not started: the
        registration is cancelled, its seat freed, and the jobseeker emailed with a
        cancelling .ics (``send_visit_cancelled``)."""
        wanted = self._bounded(registration_ids)
        now = int(time.time())
        own = {visit.id for visit in await self._own_visits(claims) if visit.start_ts > now}
        outcomes = []
        for registration_id, visit_id in zip(wanted, await self._visits_of(wanted),
                                             strict=True):
            outcome = ActionOutcome(ActionResult.NOT_FOUND, TokenAction.CANCEL)
            if visit_id is not None and visit_id in own:
                outcome = await self._undo(registration_id, now)
            outcomes.append(DecisionOutcome(registration_id, outcome))
        log.info("provider undid confirmations: organisation=%s requested=%d done=%d",
                 claims.organisation, len(wanted),
                 sum(o.outcome.result is ActionResult.DONE for o in outcomes))
        return outcomes

    async def _undo(self, registration_id: str, now: int) -> ActionOutcome:
        changed = await self.visits.store.transition(
            registration_id, (RegistrationStatus.CONFIRMED,), RegistrationStatus.CANCELLED,
            now, outbox_jobs=(Job.VISIT_CANCELLED.value,), cancel_reason=CancelReason.PROVIDER)
        if changed.outcome is TransitionOutcome.NOT_FOUND:
            return ActionOutcome(ActionResult.NOT_FOUND, TokenAction.CANCEL)
        if changed.outcome is TransitionOutcome.CONFLICT:
            return ActionOutcome(ActionResult.NOT_ALLOWED, TokenAction.CANCEL, changed.previous)
        await dispatch.enqueue(self.visits.queue, Job.VISIT_CANCELLED, registration_id)
        await self.visits.offer_seat_of(registration_id)  # the waitlist's first in line
        return ActionOutcome(ActionResult.DONE, TokenAction.CANCEL, RegistrationStatus.CANCELLED)
