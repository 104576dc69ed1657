"""Registrations in Redis, the system of record; every change is one Lua script.

* reserve: not already registered (same email on the visit, seated or waitlisted), not
  full (nor anyone waiting for a seat: :mod:`core.visits.waitlist`), then take the seat
  and store the registration with its expiry, atomically – N seats accept exactly N. The
  same step adds it to its address's "my study visits" index
  (:mod:`core.visits.my_registrations`), so no registration exists that the link misses
  (the waitlist's join does the same); and, when given, writes its due times
  (:mod:`core.visits.closing`) and remembers the visit's contact
  (:mod:`core.visits.provider_links`), so a registration is stored with all three.
* transition: compare-and-set of the status; leaving the active states frees the seat
  (and leaves the waitlist; the caller offers the seat on, :mod:`core.visits.waitlist`);
  confirming schedules the reminder (:mod:`core.visits.reminders`), leaving CONFIRMED
  removes it.
* erase: the registration and every pointer to it (the address's index, its reminder and
  due times too), gone; and the disk-erasure mark set (:mod:`core.visits.disk_erasure`),
  since the append-only file still holds what was erased.

With ``REDIS_DURABILITY=waitaof`` the API's store follows every change with ``WAITAOF`` on
the same connection (:mod:`core.durability`): a change is reported only once it is on disk.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError, RedisError

from core.durability import AofWait, DurabilityGate, write_confirmed
from core.errors import ServiceUnavailable
from core.redis_values import as_text
from core.visits import disk_erasure, keys
from core.visits.awaiting import result
from core.visits.codec import decode_hash, encode_registration
from core.visits.models import CancelReason, DeclineReason, Registration, RegistrationStatus
from core.visits.my_registrations import index_key as my_registrations_key

logger = logging.getLogger(__name__)


class Unconfirmed(ServiceUnavailable):
    """The script ran (``reply``) but the append-only file or the replicas did not confirm
    it in time: the change is in memory only."""

    def __init__(self, reply: Any) -> None:
        super().__init__("registrations")
        self.reply = reply


_RESERVE = """
local existing = redis.call('HGET', KEYS[2], ARGV[2])
if existing then
  if redis.call('SISMEMBER', KEYS[1], existing) == 1 or redis.call('ZSCORE', KEYS[8], existing) then
    return {'ALREADY', existing}
  end
  redis.call('HDEL', KEYS[2], ARGV[2])
end
local taken = redis.call('SCARD', KEYS[1])
if taken >= tonumber(ARGV[1]) or redis.call('ZCARD', KEYS[8]) > 0 then
  return {'FULL', tostring(taken)}
end
local owed = tonumber(ARGV[8])
local due = tonumber(ARGV[10 + owed])
redis.call('SADD', KEYS[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[3], unpack(ARGV, 11 + owed + 2 * due))
redis.call('EXPIREAT', KEYS[3], ARGV[4])
redis.call('EXPIREAT', KEYS[1], ARGV[4])
redis.call('EXPIREAT', KEYS[2], ARGV[4])
redis.call('ZADD', KEYS[4], ARGV[6], ARGV[5])
redis.call('ZADD', KEYS[5], ARGV[4], ARGV[3])
redis.call('HSET', KEYS[6], ARGV[3], ARGV[5])
for i = 9, 8 + owed do
  redis.call('ZADD', KEYS[7], ARGV[7], ARGV[i])
end
redis.call('ZADD', KEYS[9], ARGV[4], ARGV[3])
local last = redis.call('ZRANGE', KEYS[9], -1, -1, 'WITHSCORES')
redis.call('EXPIREAT', KEYS[9], last[2])
for i = 11 + owed, 9 + owed + 2 * due, 2 do
  redis.call('ZADD', KEYS[11], ARGV[i], ARGV[i + 1])
end
if ARGV[9 + owed] ~= '' then
  redis.call('ZADD', KEYS[10], 'GT', ARGV[4], ARGV[9 + owed])
  last = redis.call('ZRANGE', KEYS[10], -1, -1, 'WITHSCORES')
  redis.call('EXPIREAT', KEYS[10], last[2])
end
return {'OK', tostring(taken + 1)}
"""

_TRANSITION = """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return {'NOT_FOUND', ''}
end
local allowed = false
for s in string.gmatch(ARGV[2], '[^,]+') do
  if s == status then allowed = true end
end
if not allowed then
  return {'CONFLICT', status}
end
local owed = tonumber(ARGV[6])
if #ARGV > 7 + owed then
  redis.call('HSET', KEYS[1], unpack(ARGV, 8 + owed))
end
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'updatedAt', ARGV[4], ARGV[5], ARGV[4])
if ARGV[3] == 'CONFIRMED' then
  local start = redis.call('HGET', KEYS[1], 'startTs')
  redis.call('ZADD', KEYS[4], start, ARGV[1])
  local due = tonumber(start) - tonumber(ARGV[7])
  if tonumber(ARGV[7]) > 0 and due > tonumber(ARGV[4]) then
    redis.call('ZADD', KEYS[8], due, ARGV[1])
  end
else
  redis.call('SREM', KEYS[2], ARGV[1])
  local digest = redis.call('HGET', KEYS[1], 'emailHash')
  if digest and redis.call('HGET', KEYS[3], digest) == ARGV[1] then
    redis.call('HDEL', KEYS[3], digest)
  end
  redis.call('ZREM', KEYS[4], ARGV[1])
  redis.call('ZREM', KEYS[6], ARGV[1])
  redis.call('ZREM', KEYS[7], ARGV[1])
  redis.call('ZREM', KEYS[8], ARGV[1])
end
for i = 8, 7 + owed do
  redis.call('ZADD', KEYS[5], ARGV[4], ARGV[i])
end
return {'OK', status}
"""

_ERASE = """
local digest = redis.call('HGET', KEYS[1], 'emailHash')
local status = redis.call('HGET', KEYS[1], 'status')
local existed = redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
if digest then
  if redis.call('HGET', KEYS[3], digest) == ARGV[1] then
    redis.call('HDEL', KEYS[3], digest)
  end
else
  local all = redis.call('HGETALL', KEYS[3])
  for i = 1, #all, 2 do
    if all[i + 1] == ARGV[1] then redis.call('HDEL', KEYS[3], all[i]) end
  end
end
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('HDEL', KEYS[6], ARGV[1])
redis.call('ZREM', KEYS[11], ARGV[1])
redis.call('ZREM', KEYS[12], ARGV[1])
redis.call('ZREM', KEYS[13], ARGV[1])
for _, step in ipairs({@CLOSING_STEPS@}) do
  redis.call('ZREM', KEYS[14], step .. ':' .. ARGV[1])
end
local owed = tonumber(ARGV[3])
for i = 4, 3 + owed do
  redis.call('ZREM', KEYS[7], ARGV[i])
end
local notice = 4 + owed
if existed == 1 and ARGV[notice] ~= '' and (status == 'PENDING' or status == 'CONFIRMED') then
  redis.call('HSET', KEYS[10], unpack(ARGV, notice + 2))
  redis.call('EXPIREAT', KEYS[10], ARGV[notice + 1])
  redis.call('ZADD', KEYS[7], ARGV[2], ARGV[notice])
end
redis.call('HSETNX', KEYS[8], 'since', ARGV[2])
redis.call('HINCRBY', KEYS[8], 'erasures', 1)
if digest then redis.call('ZREM', KEYS[9], ARGV[1]) end
return existed
"""
_ERASE = _ERASE.replace("@CLOSING_STEPS@", ", ".join(f"'{s}'" for s in keys.CLOSING_STEPS))


class ReserveOutcome(StrEnum):
    OK = "OK"
    FULL = "FULL"
    ALREADY = "ALREADY"


@dataclass(frozen=True, slots=True)
class ReserveResult:
    outcome: ReserveOutcome
    seats_taken: int | None = None


class TransitionOutcome(StrEnum):
    OK = "OK"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"


@dataclass(frozen=True, slots=True)
class TransitionResult:
    outcome: TransitionOutcome
    previous: RegistrationStatus | None


class RegistrationStore:
    """Reads and atomic writes of registrations.

    ``aof``: wait for the append-only file after each write (``REDIS_DURABILITY=waitaof``).
    """

    def __init__(self, redis: Redis, aof: AofWait | None = None,
                 gate: DurabilityGate | None = None) -> None:
        self.redis = redis
        self.aof = aof
        self.gate = gate
        self._reserve: Any = redis.register_script(_RESERVE)
        self._transition: Any = redis.register_script(_TRANSITION)
        self._erase: Any = redis.register_script(_ERASE)

    async def reserve(
        self,
        registration: Registration,
        email_hash: str,
        now: int,
        outbox: tuple[str, ...] = (),
        due: Mapping[str, int] | None = None,
        contact: tuple[str, str] | None = None,
        then: Sequence[Any] | None = None,
    ) -> ReserveResult:
        """Take a seat of the registration's visit and store it, or say why not.

        ``outbox`` names the emails owed from now on (see :mod:`core.visits.dispatch`).
        With the registration go its due times ``due`` (member → time in
        :data:`keys.CLOSING_DUE`, :mod:`core.visits.closing`) and the visit's ``contact``,
        (its key, the organisation) remembered until the registration expires
        (:mod:`core.visits.provider_links`). ``then`` is a command to send once the
        registration is stored for good (the e-mail jobs it owes,
        :func:`core.visits.dispatch.enqueue_command`, guarded by the registration's key):
        see :meth:`_write`.
        """
        visit = registration.visit
        fields = encode_registration(registration, email_hash)
        flat = [item for pair in fields.items() for item in pair]
        members = [keys.outbox_member(job, registration.id) for job in outbox]
        due_args = [arg for member, ts in (due or {}).items() for arg in (ts, member)]
        # without a contact KEYS[10] is not touched (any key name will do)
        contact_key, organisation = contact if contact is not None else (keys.CLOSING_DUE, "")
        try:
            reply = await self._write(
                self._reserve,
                [
                    keys.active(visit.id),
                    keys.emails(visit.id),
                    keys.registration(registration.id),
                    keys.VISITS,
                    keys.EXPIRIES,
                    keys.REGISTRATION_VISITS,
                    keys.OUTBOX,
                    keys.waitlist(visit.id),
                    my_registrations_key(email_hash),
                    contact_key,
                    keys.CLOSING_DUE,
                ],
                [
                    visit.capacity,
                    email_hash,
                    registration.id,
                    registration.expires_at,
                    visit.id,
                    visit.start_ts,
                    now,
                    len(members),
                    *members,
                    organisation,
                    len(due_args) // 2,
                    *due_args,
                    *flat,
                ],
                then,
            )
        except Unconfirmed as unconfirmed:
            if ReserveOutcome(as_text(unconfirmed.reply[0])) is ReserveOutcome.OK:
                await self._withdraw_unconfirmed(registration.id, outbox)
            raise ServiceUnavailable("registrations") from None
        outcome = ReserveOutcome(as_text(reply[0]))
        taken = int(as_text(reply[1])) if outcome is not ReserveOutcome.ALREADY else None
        return ReserveResult(outcome, taken)

    async def _withdraw_unconfirmed(self, registration_id: str, outbox: tuple[str, ...]
                                    ) -> None:
        """Take back a registration whose write was not confirmed in time (``WAITAOF`` or
        ``WAIT``): the jobseeker is told to try again, so it must not be kept (a retry
        would find it, ``ALREADY_REGISTERED``, and its e-mails would go out). The taking
        back is waited for too; when that is not confirmed either, it is done in memory,
        which is what a retry reads."""
        try:
            await self.erase(registration_id, outbox)
        except Unconfirmed:
            pass
        except (ServiceUnavailable, RedisError, OSError):
            logger.warning("registration %s: unconfirmed and not taken back", registration_id)

    async def get(self, registration_id: str) -> Registration | None:
        raw = await result(self.redis.hgetall(keys.registration(registration_id)))
        if not raw:
            return None
        return decode_hash({as_text(k): as_text(v) for k, v in raw.items()})

    async def transition(
        self,
        registration_id: str,
        allowed_from: tuple[RegistrationStatus, ...],
        to: RegistrationStatus,
        now: int,
        outbox_jobs: tuple[str, ...] = (),
        cancel_reason: CancelReason | None = None,
        reminder_lead_seconds: int = 0,
        decline_reason: DeclineReason | None = None,
    ) -> TransitionResult:
        """Compare-and-set the status; ``outbox_jobs`` name the emails this change owes.

        A confirmation schedules its reminder ``reminder_lead_seconds`` before the visit
        (:mod:`core.visits.reminders`), unless that time has already passed."""
        visit_id = await self._visit_of(registration_id)
        if visit_id is None:
            return TransitionResult(TransitionOutcome.NOT_FOUND, None)
        stamp = {
            RegistrationStatus.CONFIRMED: "decidedAt",
            RegistrationStatus.DECLINED: "decidedAt",
            RegistrationStatus.CANCELLED: "cancelledAt",
        }.get(to, "updatedAt")
        extra: list[str] = ["cancelReason", cancel_reason.value] if cancel_reason else []
        if decline_reason is not None:
            extra += ["declineReason", decline_reason.value]
        reply = await self._write(
            self._transition,
            [
                keys.registration(registration_id),
                keys.active(visit_id),
                keys.emails(visit_id),
                keys.CONFIRMED,
                keys.OUTBOX,
                keys.waitlist(visit_id),
                keys.OFFERS,
                keys.REMINDERS,
            ],
            [
                registration_id,
                ",".join(s.value for s in allowed_from),
                to.value,
                now,
                stamp,
                len(outbox_jobs),
                reminder_lead_seconds,
                *(keys.outbox_member(job, registration_id) for job in outbox_jobs),
                *extra,
            ],
        )
        outcome = TransitionOutcome(as_text(reply[0]))
        previous = as_text(reply[1])
        return TransitionResult(outcome, RegistrationStatus(previous) if previous else None)

    async def erase(self, registration_id: str, outbox_jobs: tuple[str, ...],
                    notice: tuple[str, Mapping[str, str]] | None = None) -> bool:
        """Delete the registration and every pointer to it; whether it still existed.

        ``notice``: (job, fields) of the provider's withdrawal notice
        (:mod:`core.visits.withdrawal`), written only when the registration was still
        active at the moment it was erased."""
        visit_id = await self._visit_of(registration_id)
        if visit_id is None:
            return False
        # The address's "my study visits" index (its key is named by the hash, read first).
        digest = await result(self.redis.hget(keys.registration(registration_id), "emailHash"))
        existed = await self._write(
            self._erase,
            [
                keys.registration(registration_id),
                keys.active(visit_id),
                keys.emails(visit_id),
                keys.CONFIRMED,
                keys.EXPIRIES,
                keys.REGISTRATION_VISITS,
                keys.OUTBOX,
                disk_erasure.PENDING_KEY,
                my_registrations_key(as_text(digest) if digest else "none"),
                keys.registration(notice[1]["id"]) if notice else keys.registration(""),
                keys.waitlist(visit_id),
                keys.OFFERS,
                keys.REMINDERS,
                keys.CLOSING_DUE,  # its due times: core.visits.closing, keys.CLOSING_STEPS
            ],
            [registration_id, int(time.time()), len(outbox_jobs),
             *(keys.outbox_member(j, registration_id) for j in outbox_jobs),
             *_notice_args(notice)],
        )
        return int(existed) == 1

    async def write(self, script: Any, script_keys: Sequence[str], args: Sequence[Any]
                    ) -> Any:
        """Run a write script of another module (the waitlist's) as the store's own."""
        return await self._write(script, script_keys, args)

    async def _write(self, script: Any, script_keys: Sequence[str], args: Sequence[Any],
                     then: Sequence[Any] | None = None) -> Any:
        """Run a write script; with ``aof``, return only once the append-only file (and the
        replicas it asks for) have it.

        ``WAITAOF`` and ``WAIT`` wait for the writes of their own connection, so they go in
        one pipeline with the script. Not confirmed in time (or refused) is an outage, never
        an answer: :class:`Unconfirmed` when the script ran but the waits fell short (a
        reservation is then taken back), else ``ServiceUnavailable``.

        ``then`` (a command) follows the write once it is confirmed: without ``aof`` in the
        same round trip (Redis runs it right after the script; a reply is durable as it
        is), with ``aof`` after the waits. Its failure fails nothing but itself (logged).
        """
        if self.gate is not None:
            await self.gate.ensure(self.redis)
        aof = self.aof
        if aof is None:
            if then is None:
                return await script(keys=script_keys, args=args)
            async with self.redis.pipeline(transaction=False) as pipe:
                # EVALSHA as such: a pipeline's scripts would cost a SCRIPT EXISTS first
                pipe.execute_command("EVALSHA", script.sha, len(script_keys), *script_keys,
                                     *args)
                pipe.execute_command(*then)
                reply, followed = await pipe.execute(raise_on_error=False)
            if isinstance(reply, NoScriptError):  # not run (nor, guarded, ``then``'s work)
                reply = await script(keys=script_keys, args=args)
                await self._follow(then)
            elif isinstance(reply, Exception):
                raise reply
            elif isinstance(followed, Exception):
                logger.warning("a registration change's follow-up failed: %s",
                               type(followed).__name__)
            return reply
        try:
            reply, confirmed = await write_confirmed(self.redis, script, script_keys, args,
                                                     aof)
        except (TimeoutError, RedisError):
            raise ServiceUnavailable("registrations") from None
        if isinstance(reply, Exception):
            raise reply
        if not confirmed:
            raise Unconfirmed(reply)
        if then is not None:
            await self._follow(then)
        return reply

    async def _follow(self, then: Sequence[Any]) -> None:
        """Send a write's follow-up; its failure is logged, never raised."""
        try:
            await self.redis.execute_command(*then)  # type: ignore[no-untyped-call]
        except (RedisError, OSError) as exc:
            logger.warning("a registration change's follow-up failed: %s",
                           type(exc).__name__)

    async def visit_of(self, registration_id: str) -> str | None:
        """The id of the registration's visit; ``None`` when it is gone."""
        return await self._visit_of(registration_id)

    async def _visit_of(self, registration_id: str) -> str | None:
        visit_id = await result(self.redis.hget(keys.REGISTRATION_VISITS, registration_id))
        if visit_id is None:
            visit_id = await result(
                self.redis.hget(keys.registration(registration_id), "visitId"))
        return None if visit_id is None else as_text(visit_id)


def _notice_args(notice: tuple[str, Mapping[str, str]] | None) -> list[str]:
    if notice is None:
        return ["", ""]
    job, fields = notice
    flat = [item for pair in fields.items() for item in pair]
    return [keys.outbox_member(job, fields["id"]), fields["expiresAt"], *flat]


def as_text_mapping(raw: Mapping[Any, Any]) -> dict[str, str]:
    return {as_text(k): as_text(v) for k, v in raw.items()}
