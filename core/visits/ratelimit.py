"""Limits on registrations: per client address and per email address in a sliding window,
and a daily cap on the emails one address can be made to receive.

Each limited subject has a sorted set of its admitted attempts (score: time in ms). One
Lua script drops the attempts that left each subject's window, refuses when any subject
is at its limit, and otherwise records the attempt for every subject, atomically, so
concurrent registrations can never exceed a limit. The subjects are keyed HMACs, never
the client address or the email address in clear; an email address is keyed by its
canonical form (:mod:`core.visits.addresses`), so ``Anna+1@x.se`` and ``anna@x.se``
share their limits.

The daily cap counts registrations: each one sends a receipt to the address and a
provider email carrying it. An admitted attempt that does not become a registration
(visit full, already registered, ...) gives its place in the daily cap back
(:meth:`RegistrationRateLimiter.release`); the hourly limits count attempts.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from core.visits import keys
from core.visits.models import ErrorCode, FieldError, Language
from core.visits.pseudonyms import client_digest, email_digest

DAY_SECONDS = 86_400

# KEYS: the subjects. ARGV[1]: the attempt's member; ARGV[2i], ARGV[2i+1]: the limit and
# the window (ms) of KEYS[i]. Returns 0 (admitted) or the index of the refusing subject.
_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - tonumber(ARGV[2 * i + 1]))
  if redis.call('ZCARD', key) >= tonumber(ARGV[2 * i]) then
    return i
  end
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[1])
  redis.call('PEXPIRE', key, ARGV[2 * i + 1])
end
return 0
"""


class Limit(StrEnum):
    """A limit, named as in its keys (:func:`core.visits.keys.rate_limit`)."""

    CLIENT = "ip"
    EMAIL = "email"
    EMAILS_PER_DAY = "email-day"


_MESSAGES: dict[Limit, dict[Language, str]] = {
    Limit.CLIENT: {
        Language.SV: "För många anmälningar på kort tid. Försök igen senare.",
        Language.EN: "Too many registrations in a short time. Please try again later.",
        Language.DA: "For mange tilmeldinger på kort tid. Prøv igen senere.",
        Language.NB: "For mange påmeldinger på kort tid. Prøv igjen senere.",
    },
    Limit.EMAILS_PER_DAY: {
        Language.SV: "Den här e-postadressen har fått så många anmälningar i dag som den "
                     "kan få. Försök igen i morgon.",
        Language.EN: "This email address has had as many registrations today as it can "
                     "have. Please try again tomorrow.",
        Language.DA: "Denne e-mailadresse har fået så mange tilmeldinger i dag, som den "
                     "kan få. Prøv igen i morgen.",
        Language.NB: "Denne e-postadressen har fått så mange påmeldinger i dag som den "
                     "kan få. Prøv igjen i morgen.",
    },
}
_MESSAGES[Limit.EMAIL] = _MESSAGES[Limit.CLIENT]
_FIELDS = {Limit.CLIENT: None, Limit.EMAIL: None, Limit.EMAILS_PER_DAY: "email"}


@dataclass(frozen=True, slots=True)
class RateLimits:
    per_client: int
    per_email: int
    window_seconds: int
    emails_per_address_per_day: int


@dataclass(frozen=True, slots=True)
class Refusal:
    """The limit an attempt ran into."""

    limit: Limit

    def error(self, language: Language) -> FieldError:
        """The payload error, in the jobseeker's language, naming no value."""
        return FieldError(_FIELDS[self.limit], _MESSAGES[self.limit][language],
                          ErrorCode.RATE_LIMITED)


@dataclass(frozen=True, slots=True)
class Admission:
    """An admitted attempt: its member in the subjects' sets, and its daily-cap key."""

    member: str
    daily_key: str


@dataclass(frozen=True, slots=True)
class Attempt:
    """One attempt's script call: the subjects' limits, keys and arguments."""

    limits: tuple[Limit, ...]
    keys: list[str]
    args: list[str | int]

    def decide(self, reply: Any) -> Admission | Refusal:
        """The script's reply read: admitted, or the limit that refused."""
        refused = int(reply)
        if refused:
            return Refusal(self.limits[refused - 1])
        return Admission(str(self.args[0]), self.keys[-1])


class RegistrationRateLimiter:
    """``admit`` decides whether one more registration attempt may go ahead."""

    def __init__(self, redis: Redis, secret_key: str, limits: RateLimits) -> None:
        self._redis = redis
        self._secret_key = secret_key
        self._limits = limits
        self._script: Any = redis.register_script(_SCRIPT)

    def attempt(self, client_address: str, email_hash: str) -> Attempt:
        """The script call that records an attempt against every limit (``email_hash``:
        :func:`core.visits.pseudonyms.email_digest` of the address)."""
        limits = self._limits
        subjects = [  # (limit, its key, at most, window in s), in the order checked
            (Limit.CLIENT, client_digest(self._secret_key, client_address),
             limits.per_client, limits.window_seconds),
            (Limit.EMAIL, email_hash, limits.per_email, limits.window_seconds),
            (Limit.EMAILS_PER_DAY, email_hash, limits.emails_per_address_per_day, DAY_SECONDS),
        ]
        return Attempt(
            tuple(limit for limit, _, _, _ in subjects),
            [keys.rate_limit(limit, digest) for limit, digest, _, _ in subjects],
            [secrets.token_hex(8), *(arg for _, _, most, window in subjects
                                     for arg in (most, window * 1000))])

    def send(self, pipe: Pipeline, attempt: Attempt) -> None:
        """Queue the attempt's script on ``pipe``, to go with other commands in one round
        trip (``EVAL``: a pipeline's ``EVALSHA`` would cost a ``SCRIPT EXISTS`` first)."""
        pipe.execute_command("EVAL", _SCRIPT, len(attempt.keys), *attempt.keys, *attempt.args)

    async def admit(self, client_address: str, email: str) -> Admission | Refusal:
        """Record the attempt against every limit, or say which limit refuses it."""
        attempt = self.attempt(client_address, email_digest(self._secret_key, email))
        return attempt.decide(await self._script(keys=attempt.keys, args=attempt.args))

    async def release(self, admission: Admission) -> None:
        """Give the attempt's place in the daily cap back: it did not become a
        registration, so no email goes to the address."""
        await self._redis.zrem(admission.daily_key, admission.member)
