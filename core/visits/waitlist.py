"""The waitlist of a full study visit; every change is one Lua script.

* join: a registration for a full visit (or one with people already waiting) is stored
  WAITLISTED at the end of the visit's line, owing its receipt.
* offer – the one path of "a seat was freed for visit V": while the visit has fewer
  holders than seats and someone waits, the first in line becomes OFFERED and holds a
  seat (it joins the visit's active set), owing the offer email. One script, so holders
  never exceed capacity and a freed seat is offered once. Every caller that frees a seat
  (cancel, decline, undo, erasure, expiry) or raises capacity calls :meth:`seat_freed`;
  the waitlist sweep (:mod:`workers.waitlist_jobs`) calls it for every visit with a line,
  so a seat freed by a process that died before offering it is offered within a minute.
* claim: an OFFERED registration whose offer has not lapsed becomes PENDING and keeps its
  seat; the provider's notification is owed, as for any new registration.
* lapse: an offer unclaimed at its expiry is cancelled (``offer_lapsed``), its seat freed
  and offered to the next in line.

The line is ``studyvisit:{visit}:waitlist`` (registration id → place, a per-visit
counter), so the position is the rank. The offer script reads registration hashes it
finds in the line (standalone Redis: keys are not declared ahead of the script).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from arq.connections import ArqRedis

from core.redis_values import as_text
from core.settings import Settings
from core.visits import dispatch, keys
from core.visits.awaiting import result
from core.visits.closing import visit_closes_at
from core.visits.codec import encode_registration
from core.visits.dispatch import Job
from core.visits.models import Registration, Visit
from core.visits.my_registrations import index_key as my_registrations_key
from core.visits.store import RegistrationStore

HOUR = 3600

_JOIN = """
local existing = redis.call('HGET', KEYS[2], ARGV[2])
if existing then
  if redis.call('SISMEMBER', KEYS[1], existing) == 1 or redis.call('ZSCORE', KEYS[8], existing) then
    return {'ALREADY', existing}
  end
  redis.call('HDEL', KEYS[2], ARGV[2])
end
if redis.call('SCARD', KEYS[1]) < tonumber(ARGV[1]) and redis.call('ZCARD', KEYS[8]) == 0 then
  return {'SEAT_FREE', ''}
end
local place = redis.call('INCR', KEYS[9])
redis.call('ZADD', KEYS[8], place, ARGV[3])
local position = redis.call('ZRANK', KEYS[8], ARGV[3]) + 1
local owed = tonumber(ARGV[8])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[3], unpack(ARGV, 9 + owed))
redis.call('HSET', KEYS[3], 'waitlistPosition', tostring(position))
for _, key in ipairs({KEYS[2], KEYS[3], KEYS[8], KEYS[9]}) do
  redis.call('EXPIREAT', key, ARGV[4])
end
redis.call('ZADD', KEYS[4], ARGV[6], ARGV[5])
redis.call('ZADD', KEYS[5], ARGV[4], ARGV[3])
redis.call('HSET', KEYS[6], ARGV[3], ARGV[5])
redis.call('SADD', KEYS[10], ARGV[5])
for i = 9, 8 + owed do
  redis.call('ZADD', KEYS[7], ARGV[7], ARGV[i])
end
redis.call('ZADD', KEYS[11], ARGV[4], ARGV[3])
local last = redis.call('ZRANGE', KEYS[11], -1, -1, 'WITHSCORES')
redis.call('EXPIREAT', KEYS[11], last[2])
return {'WAITLISTED', tostring(position)}
"""

# KEYS: active, waitlist, offers index, outbox, waitlists index
# ARGV: capacity, now, offer expiry, visit id, registration key prefix, offer job
_OFFER = """
local offered = {}
local capacity = tonumber(ARGV[1])
while redis.call('SCARD', KEYS[1]) < capacity do
  local first = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if not first then break end
  redis.call('ZREM', KEYS[2], first)
  local key = ARGV[5] .. first
  if redis.call('HGET', key, 'status') == 'WAITLISTED' then
    redis.call('HSET', key, 'status', 'OFFERED', 'updatedAt', ARGV[2], 'offeredAt', ARGV[2],
               'offerExpiresAt', ARGV[3])
    redis.call('SADD', KEYS[1], first)
    local expires = redis.call('HGET', key, 'expiresAt')
    if expires and redis.call('TTL', KEYS[1]) < 0 then
      redis.call('EXPIREAT', KEYS[1], expires)
    end
    redis.call('ZADD', KEYS[3], ARGV[3], first)
    redis.call('ZADD', KEYS[4], ARGV[2], ARGV[6] .. ':' .. first)
    offered[#offered + 1] = first
  end
end
if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('SREM', KEYS[5], ARGV[4]) end
return offered
"""

# KEYS: registration, offers index, outbox; ARGV: id, now, number owed, owed members...
_CLAIM = """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'NOT_FOUND', ''} end
if status ~= 'OFFERED' then return {'CONFLICT', status} end
if tonumber(redis.call('HGET', KEYS[1], 'offerExpiresAt') or '0') <= tonumber(ARGV[2]) then
  return {'LAPSED', status}
end
redis.call('HSET', KEYS[1], 'status', 'PENDING', 'updatedAt', ARGV[2], 'claimedAt', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
for i = 4, 3 + tonumber(ARGV[3]) do
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[i])
end
return {'OK', status}
"""

# KEYS: registration, active, emails, offers index; ARGV: id, now
_LAPSE = """
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'OFFERED' then
  redis.call('ZREM', KEYS[4], ARGV[1])
  return 0
end
if tonumber(redis.call('HGET', KEYS[1], 'offerExpiresAt') or '0') > tonumber(ARGV[2]) then
  return 0
end
redis.call('HSET', KEYS[1], 'status', 'CANCELLED', 'updatedAt', ARGV[2],
           'cancelledAt', ARGV[2], 'cancelReason', 'offer_lapsed')
redis.call('SREM', KEYS[2], ARGV[1])
local digest = redis.call('HGET', KEYS[1], 'emailHash')
if digest and redis.call('HGET', KEYS[3], digest) == ARGV[1] then
  redis.call('HDEL', KEYS[3], digest)
end
redis.call('ZREM', KEYS[4], ARGV[1])
return 1
"""


class JoinOutcome(StrEnum):
    WAITLISTED = "WAITLISTED"
    SEAT_FREE = "SEAT_FREE"  # no need to wait: reserve the seat instead
    ALREADY = "ALREADY"


@dataclass(frozen=True, slots=True)
class JoinResult:
    outcome: JoinOutcome
    position: int | None = None


class ClaimOutcome(StrEnum):
    OK = "OK"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"  # not (or no longer) offered: see ``status``
    LAPSED = "LAPSED"


@dataclass(frozen=True, slots=True)
class ClaimResult:
    outcome: ClaimOutcome
    status: str | None = None


def claim_closes_at(visit: Visit, settings: Settings) -> int:
    """The latest moment a seat can be claimed: when registration closes."""
    return visit_closes_at(visit, settings.registration_closes_hours_before)


def offer_expiry(settings: Settings, visit: Visit, now: int) -> int:
    """An offer can be claimed for ``WAITLIST_OFFER_HOURS``, never past the closing."""
    return min(now + settings.waitlist_offer_hours * HOUR, claim_closes_at(visit, settings))


class Waitlist:
    """The waitlist's scripts, written through the store (its durability applies)."""

    def __init__(self, store: RegistrationStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        redis = store.redis
        self._join: Any = redis.register_script(_JOIN)
        self._offer: Any = redis.register_script(_OFFER)
        self._claim: Any = redis.register_script(_CLAIM)
        self._lapse: Any = redis.register_script(_LAPSE)

    async def join(self, registration: Registration, email_hash: str, now: int,
                   outbox: tuple[str, ...]) -> JoinResult:
        """Put the (WAITLISTED) registration at the end of its visit's line."""
        visit = registration.visit
        fields = encode_registration(registration, email_hash)
        members = [keys.outbox_member(job, registration.id) for job in outbox]
        reply = await self.store.write(
            self._join,
            [keys.active(visit.id), keys.emails(visit.id), keys.registration(registration.id),
             keys.VISITS, keys.EXPIRIES, keys.REGISTRATION_VISITS, keys.OUTBOX,
             keys.waitlist(visit.id), keys.waitlist_sequence(visit.id), keys.WAITLISTS,
             my_registrations_key(email_hash)],
            [visit.capacity, email_hash, registration.id, registration.expires_at, visit.id,
             visit.start_ts, now, len(members), *members,
             *(item for pair in fields.items() for item in pair)],
        )
        outcome = JoinOutcome(as_text(reply[0]))
        position = int(as_text(reply[1])) if outcome is JoinOutcome.WAITLISTED else None
        return JoinResult(outcome, position)

    async def seat_freed(self, visit: Visit, now: int, queue: ArqRedis) -> list[str]:
        """Offer the visit's free seats (``visit`` as it is now: its capacity) to the
        first in line, and queue their offer emails; the ids offered. Nothing is offered
        once claiming has closed. Safe to call at any time, as often as wanted."""
        expires = offer_expiry(self.settings, visit, now)
        if expires <= now:
            return []
        reply = await self.store.write(
            self._offer,
            [keys.active(visit.id), keys.waitlist(visit.id), keys.OFFERS, keys.OUTBOX,
             keys.WAITLISTS],
            [visit.capacity, now, expires, visit.id, keys.registration(""),
             Job.WAITLIST_OFFER.value],
        )
        offered = [as_text(member) for member in reply]
        for registration_id in offered:
            await dispatch.enqueue(queue, Job.WAITLIST_OFFER, registration_id)
        return offered

    async def claim(self, registration_id: str, now: int, queue: ArqRedis) -> ClaimResult:
        """Turn an offered seat into a PENDING registration; the provider is emailed."""
        owed = (Job.PROVIDER_NOTIFICATION.value,)
        reply = await self.store.write(
            self._claim,
            [keys.registration(registration_id), keys.OFFERS, keys.OUTBOX],
            [registration_id, now, len(owed),
             *(keys.outbox_member(job, registration_id) for job in owed)],
        )
        outcome = ClaimOutcome(as_text(reply[0]))
        if outcome is ClaimOutcome.OK:
            await dispatch.enqueue(queue, Job.PROVIDER_NOTIFICATION, registration_id)
        return ClaimResult(outcome, as_text(reply[1]) or None)

    async def lapse(self, registration_id: str, visit_id: str, now: int) -> bool:
        """Cancel the registration's offer if it has lapsed (the seat is then free)."""
        reply = await self.store.write(
            self._lapse,
            [keys.registration(registration_id), keys.active(visit_id), keys.emails(visit_id),
             keys.OFFERS],
            [registration_id, now],
        )
        return int(reply) == 1

    async def lapsed_offers(self, now: int, limit: int) -> list[tuple[str, str | None]]:
        """(registration id, visit id) of offers past their expiry, oldest first."""
        redis = self.store.redis
        ids = [as_text(v) for v in await result(
            redis.zrangebyscore(keys.OFFERS, "-inf", now, start=0, num=limit))]
        if not ids:
            return []
        visits = await result(redis.hmget(keys.REGISTRATION_VISITS, ids))
        return [(rid, as_text(v) if v is not None else None)
                for rid, v in zip(ids, visits, strict=True)]

    async def closed(self, visit_id: str) -> None:
        """Claiming has closed for the visit: the sweep no longer visits its line (which
        expires with its registrations)."""
        await result(self.store.redis.srem(keys.WAITLISTS, visit_id))

    async def visits_waiting(self) -> list[str]:
        """Ids of the visits with someone in line."""
        members = await result(self.store.redis.smembers(keys.WAITLISTS))
        return sorted(as_text(member) for member in members)
