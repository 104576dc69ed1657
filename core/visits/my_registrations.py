"""The jobseeker's "my study visits": a link emailed on request, listing the address's
registrations, with cancel and erase.

The link's token is ``["mine", email HMAC, expiry]`` under a salt of its own: it names
the mailbox only by its keyed hash (:func:`core.visits.pseudonyms.email_digest`, one per
canonical address). Registrations are found through ``studyvisit:mine:{hash}``, a sorted
set of registration ids by their expiry, written by the same Lua scripts that store and
erase a registration (:mod:`core.visits.store`); an id whose registration is gone (purged
on expiry) is skipped and dropped on the next read, and the set itself expires with the
last registration's data.

Asking for a link always answers the same way whatever the address: only when the
address has registrations is an email job queued, and the job takes the hash, never the
address (the worker reads the address from the registration). Requests are limited per
address and per client (the registrations' sliding-window script, keys of their own).
"""

from __future__ import annotations

import dataclasses
import secrets
import time
from dataclasses import dataclass
from typing import Any

from arq.connections import ArqRedis
from itsdangerous import BadSignature, URLSafeSerializer
from redis.asyncio import Redis

from core.outages import registrations_call
from core.redis_values import as_text
from core.settings import Settings
from core.visits import keys
from core.visits.awaiting import result
from core.visits.codec import decode_hash
from core.visits.models import ErrorCode, FieldError, Language, Registration, RegistrationStatus
from core.visits.pseudonyms import client_digest, email_digest
from core.visits.ratelimit import _SCRIPT as SLIDING_WINDOW_SCRIPT
from core.visits.tokens import TokenError, TokenProblem, serializer
from core.visits.validation import message, normalise_email
from core.visits.waitlist_reads import waitlist_positions

SALT = "studyvisit.mine.v1"
LINK_JOB = "send_my_registrations_link"
MAX_LISTED = 50
MAX_TOKEN_CHARS = 256
HOUR = 3600


def index_key(digest: str) -> str:
    return f"{keys.PREFIX}:mine:{digest}"


def _serializer(secret_key: str) -> URLSafeSerializer:
    return serializer(secret_key, SALT)


def issue_my_token(settings: Settings, digest: str, now: float | None = None) -> str:
    expires_at = int(time.time() if now is None else now) + settings.my_link_hours * HOUR
    return str(_serializer(settings.secret_key).dumps(["mine", digest, expires_at]))


def verify_my_token(secret_key: str, token: str, now: float | None = None) -> str:
    """The email hash of a valid, unexpired token; :class:`TokenError` otherwise."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise TokenError(TokenProblem.INVALID)
    serializer = _serializer(secret_key)
    try:
        payload = serializer.loads(token)
    except BadSignature:
        raise TokenError(TokenProblem.INVALID) from None
    if (serializer.dumps(payload) != token or not isinstance(payload, list)
            or len(payload) != 3 or payload[0] != "mine" or not isinstance(payload[1], str)
            or not isinstance(payload[2], int)):
        raise TokenError(TokenProblem.INVALID)
    if payload[2] <= (time.time() if now is None else now):
        raise TokenError(TokenProblem.EXPIRED)
    return payload[1]


@dataclass(frozen=True, slots=True)
class LinkRequestOutcome:
    errors: list[FieldError]


_LIMITED = {Language.SV: "För många förfrågningar. Försök igen senare.",
            Language.EN: "Too many requests. Please try again later.",
            Language.DA: "For mange forespørgsler. Prøv igen senere.",
            Language.NB: "For mange forespørsler. Prøv igjen senere."}


class MyRegistrations:
    """Requests for the link, and the listing behind it."""

    def __init__(self, settings: Settings, redis: Redis, queue: ArqRedis) -> None:
        self.settings = settings
        self.redis = redis
        self.queue = queue
        self._window: Any = redis.register_script(SLIDING_WINDOW_SCRIPT)

    @registrations_call
    async def request_link(self, email: str, language: Language, client_address: str
                           ) -> LinkRequestOutcome:
        """Email the link if the address has registrations; the same answer either way."""
        address = normalise_email(email)
        if address is None:
            return LinkRequestOutcome([FieldError("email", message("email", language),
                                                  ErrorCode.INVALID)])
        secret = self.settings.secret_key
        digest = email_digest(secret, address)
        s = self.settings
        refused = int(await self._window(
            keys=[f"ratelimit:mylink:ip:{client_digest(secret, client_address)}",
                  f"ratelimit:mylink:email:{digest}"],
            args=[secrets.token_hex(8), s.my_link_requests_per_client_per_hour, HOUR * 1000,
                  s.my_link_requests_per_address_per_hour, HOUR * 1000]))
        if refused:
            return LinkRequestOutcome([FieldError(None, _LIMITED[language],
                                                  ErrorCode.RATE_LIMITED)])
        now = int(time.time())
        if await result(self.redis.zcount(index_key(digest), now, "+inf")):
            await self.queue.enqueue_job(LINK_JOB, digest, language.value,
                                         _job_id=f"{LINK_JOB}:{digest}:{now // 60}")
        return LinkRequestOutcome([])

    @registrations_call
    async def registrations(self, digest: str) -> list[Registration]:
        """The address's registrations whose data still exists, soonest visit first."""
        key = index_key(digest)
        now = int(time.time())
        await result(self.redis.zremrangebyscore(key, "-inf", now))
        ids = [as_text(i) for i in await result(self.redis.zrange(key, 0, MAX_LISTED - 1))]
        async with self.redis.pipeline(transaction=False) as pipe:
            for registration_id in ids:
                pipe.hgetall(keys.registration(registration_id))
            found = await pipe.execute()
        gone = [i for i, raw in zip(ids, found, strict=True) if not raw]
        if gone:
            await result(self.redis.zrem(key, *gone))
        registrations = [decode_hash({as_text(k): as_text(v) for k, v in raw.items()})
                         for raw in found if raw]
        registrations = await _with_places_in_line(self.redis, registrations)
        return sorted(registrations, key=lambda r: (r.visit.start_ts, r.id))

    @registrations_call
    async def registration(self, digest: str, registration_id: str) -> Registration | None:
        """One of the address's registrations (``None`` when it is not theirs or gone)."""
        if not await self.owns(digest, registration_id):
            return None
        raw = await result(self.redis.hgetall(keys.registration(registration_id)))
        return decode_hash({as_text(k): as_text(v) for k, v in raw.items()}) if raw else None

    @registrations_call
    async def owns(self, digest: str, registration_id: str) -> bool:
        """Whether the registration is one of the address's (for cancel and erase)."""
        if not 0 < len(registration_id) <= 64:
            return False
        score = await result(self.redis.zscore(index_key(digest), registration_id))
        return score is not None


async def _with_places_in_line(redis: Redis, registrations: list[Registration]
                               ) -> list[Registration]:
    """The registrations, each WAITLISTED one with its place in line now."""
    waiting = [r for r in registrations if r.status is RegistrationStatus.WAITLISTED]
    places = await waitlist_positions(redis, [(r.id, r.visit.id) for r in waiting])
    now = {r.id: place for r, place in zip(waiting, places, strict=True)}
    return [dataclasses.replace(r, waitlist_position=now[r.id]) if r.id in now else r
            for r in registrations]
