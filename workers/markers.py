"""Sent-markers: at most one email per registration and job, however often a job runs.

The marker is the field ``mail:{job}`` of the registration hash (so it expires with it):

* ``sending:{deadline ms}:{attempt}`` – an attempt holds the email until the deadline;
  nothing has been handed to the SMTP server yet. A crashed attempt's claim lapses and
  the next run takes over.
* ``committing:{attempt}`` – the message is being handed over. From here on the email is
  never sent again: a crash now leaves it sent or lost, and lost is the lesser harm.
* ``sent:{ts}``, ``failed:{detail}``, ``uncertain:{detail}`` – final.

Every script first checks that the registration still exists, so a marker never
recreates an erased or expired registration's key.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from redis.asyncio import Redis

from core.redis_values import as_text
from core.visits import keys

_CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'GONE', ''} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local state = string.match(current, '^[a-z]+')
  if state ~= 'sending' then return {string.upper(state), current} end
  local deadline = tonumber(string.match(current, '^sending:(%d+):'))
  if deadline > now then return {'BUSY', tostring(deadline - now)} end
end
redis.call('HSET', KEYS[1], ARGV[1],
           'sending:' .. string.format('%d', now + tonumber(ARGV[3])) .. ':' .. ARGV[2])
return {'CLAIMED', ''}
"""

# ARGV: field, attempt, new value ('' deletes), failure field, failure text, outbox member,
# the state the marker must be in ('' for either of ours)
_SETTLE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 'GONE' end
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 'LOST' end
local owner = string.match(current, ':([^:]+)$')
local state = string.match(current, '^[a-z]+')
if owner ~= ARGV[2] or (state ~= 'sending' and state ~= 'committing') then return 'LOST' end
if ARGV[7] ~= '' and state ~= ARGV[7] then return 'LOST' end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], ARGV[4], ARGV[5]) end
if ARGV[6] ~= '' then redis.call('ZREM', KEYS[2], ARGV[6]) end
return 'OK'
"""


class ClaimState(StrEnum):
    CLAIMED = "CLAIMED"
    BUSY = "BUSY"
    GONE = "GONE"
    SENT = "SENT"
    COMMITTING = "COMMITTING"
    FAILED = "FAILED"
    UNCERTAIN = "UNCERTAIN"


@dataclass(frozen=True, slots=True)
class Claim:
    state: ClaimState
    retry_in_ms: int = 0


class ClaimLost(RuntimeError):
    """Another attempt took the email over; this one must not hand the message over."""


class Markers:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._claim: Any = redis.register_script(_CLAIM)
        self._settle: Any = redis.register_script(_SETTLE)

    async def claim(self, registration_id: str, job: str, attempt: str, lease_ms: int) -> Claim:
        reply = await self._claim(
            keys=[keys.registration(registration_id)],
            args=[f"mail:{job}", attempt, lease_ms],
        )
        state = ClaimState(as_text(reply[0]))
        retry = int(as_text(reply[1])) if state is ClaimState.BUSY else 0
        return Claim(state, retry)

    async def _set(self, registration_id: str, job: str, attempt: str, value: str,
                   failure: str = "", done: bool = False, required: str = "") -> str:
        reply = await self._settle(
            keys=[keys.registration(registration_id), keys.OUTBOX],
            args=[
                f"mail:{job}", attempt, value,
                f"mailFailure:{job}" if failure else "", failure,
                keys.outbox_member(job, registration_id) if done else "",
                required,
            ],
        )
        return as_text(reply)

    async def commit(self, registration_id: str, job: str, attempt: str) -> None:
        """Mark the message as being handed over; :class:`ClaimLost` if it is not ours."""
        committing = f"committing:{attempt}"
        if await self._set(registration_id, job, attempt, committing, required="sending") != "OK":
            raise ClaimLost(job)

    async def release(self, registration_id: str, job: str, attempt: str,
                      refused: bool = False) -> None:
        """Give the claim back after a failure that left nothing sent: while it is still
        ``sending``, or (``refused``) when the server answered the message with a refusal.
        A message whose fate is unknown is never given back."""
        await self._set(registration_id, job, attempt, "", required="" if refused else "sending")

    async def finish(self, registration_id: str, job: str, attempt: str, value: str,
                     failure: str = "") -> str:
        """Final state; the email is no longer owed (its outbox entry goes)."""
        return await self._set(registration_id, job, attempt, value, failure, done=True)

    async def drop_owed(self, registration_id: str, job: str) -> None:
        """Nothing to send after all (registration gone, or its state needs no email)."""
        await self.redis.zrem(keys.OUTBOX, keys.outbox_member(job, registration_id))
