"""Sent-markers: every state of an email's delivery, one field per registration and job.

The marker is the field ``mail:{job}`` of the registration hash (so it expires with it):

* ``sending:{deadline ms}:{attempt}`` – an attempt holds the email until the deadline:
  it connects, hands over the envelope and writes the body. Nothing the server keeps
  has been sent: a server discards a message whose final dot never came (RFC 5321
  section 4.1.1.4), so a crashed attempt's claim lapses and the next run sends it, once.
* ``committing:{deadline ms}:{attempt}`` – the final dot is being sent and its reply
  awaited (until the deadline: the DATA reply timeout). The only uncertain window: the
  server may have taken the message. When the attempt dies here, the claim lapses and
  the next run sends the message again with the same Message-ID (at least once; the
  Message-ID lets a receiving system drop the duplicate). A marker written by an older
  version as ``committing:{attempt}`` counts as lapsed.
* ``retrying:{detail}`` – a transient failure (refused, timed out, a 4xx reply, no reply
  to the final dot); the job runs again after a backoff.
* ``sent:{ts}``, ``failed:{detail}``, ``uncertain:{detail}`` – final. ``failed`` is a
  permanent refusal (5xx) or the retry horizon passed; ``uncertain`` is the horizon
  passed with no reply to the final dot. The detail is also in ``mailFailure:{job}``;
  ``python -m workers emails --failed`` lists both and ``--resend`` sends one again.

``mailFirstTry:{job}`` holds the time (ms) of the email's first attempt: the retry
horizon counts from it. Every script first checks that the registration still exists,
so a marker never recreates an erased or expired registration's key.

With replicas (``REDIS_WAIT_REPLICAS``) or ``REDIS_DURABILITY=waitaof`` the two writes
that decide whether an email goes out again wait as a registration change does
(:func:`core.durability.write_confirmed`): ``committing`` before the final dot, and
``sent`` after the 250. A ``committing`` that the replicas do not confirm in time raises
:class:`MarkerUnconfirmed` and the final dot is not sent: a master cut off from its
replicas, which the Sentinels are replacing, sends nothing. A ``sent`` is written again
until they confirm it (:func:`workers.delivery._persist`); writing a marker again with
the value it already holds rewrites it, so that its confirmation can be waited for once
more. The other writes need no wait: a lost claim makes the ``committing``
compare-and-set fail on the new master, and a lost ``retrying`` or ``failed`` leaves the
claim to lapse, so the email is tried again, as those states ask or as the failure does.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from redis.asyncio import Redis

from core.durability import AofWait, write_confirmed
from core.redis_values import as_text
from core.visits import keys

MARKER = "mail:"
FAILURE = "mailFailure:"
FIRST_TRY = "mailFirstTry:"

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

# ARGV: marker field, attempt, lease ms, first-try field.
# Reply: state, BUSY: ms left | CLAIMED: first try (ms), now (ms), '1' when resending
# after an attempt that died waiting for the reply to its final dot.
_CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'GONE', '', '', ''} end
""" + _NOW + """
local current = redis.call('HGET', KEYS[1], ARGV[1])
local resend = ''
if current then
  local state = string.match(current, '^[a-z]+')
  if state == 'sending' or state == 'committing' then
    local deadline = tonumber(string.match(current, '^[a-z]+:(%d+):') or '0')
    if deadline > now then return {'BUSY', tostring(deadline - now), '', ''} end
    if state == 'committing' then resend = '1' end
  elseif state ~= 'retrying' then
    return {string.upper(state), '', '', ''}
  end
end
redis.call('HSET', KEYS[1], ARGV[1],
           'sending:' .. string.format('%d', now + tonumber(ARGV[3])) .. ':' .. ARGV[2])
redis.call('HSETNX', KEYS[1], ARGV[4], string.format('%d', now))
return {'CLAIMED', redis.call('HGET', KEYS[1], ARGV[4]), string.format('%d', now), resend}
"""

# ARGV: marker field, attempt, lease ms (from now)
_COMMIT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 'GONE' end
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current or string.match(current, '^sending:%d+:(.+)$') ~= ARGV[2] then return 'LOST' end
""" + _NOW + """
redis.call('HSET', KEYS[1], ARGV[1],
           'committing:' .. string.format('%d', now + tonumber(ARGV[3])) .. ':' .. ARGV[2])
return 'OK'
"""

# ARGV: field, attempt, new value ('' deletes), failure field, failure text, outbox member,
# the state the marker must be in ('' for either of ours). A marker that already holds
# the new value is written again (its confirmation is being waited for once more).
_SETTLE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 'GONE' end
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 'LOST' end
if current ~= ARGV[3] then
  local owner = string.match(current, ':([^:]+)$')
  local state = string.match(current, '^[a-z]+')
  if owner ~= ARGV[2] or (state ~= 'sending' and state ~= 'committing') then return 'LOST' end
  if ARGV[7] ~= '' and state ~= ARGV[7] then return 'LOST' end
end
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
    FAILED = "FAILED"
    UNCERTAIN = "UNCERTAIN"


@dataclass(frozen=True, slots=True)
class Claim:
    state: ClaimState
    retry_in_ms: int = 0
    first_try_ms: int = 0
    now_ms: int = 0
    resending: bool = False


class ClaimLost(RuntimeError):
    """Another attempt took the email over; this one must not send the final dot."""


class MarkerUnconfirmed(RuntimeError):
    """The marker was written on the master, but the replicas (or the append-only file)
    did not confirm it in time: a failover now would lose it."""


class Markers:
    """``wait``: what each deciding write waits for (:func:`core.durability.aof_wait`);
    ``None``: the master's reply is enough."""

    def __init__(self, redis: Redis, wait: AofWait | None = None) -> None:
        self.redis = redis
        self.wait = wait
        self._claim: Any = redis.register_script(_CLAIM)
        self._commit: Any = redis.register_script(_COMMIT)
        self._settle: Any = redis.register_script(_SETTLE)

    async def claim(self, registration_id: str, job: str, attempt: str, lease_ms: int) -> Claim:
        """Take the email for this attempt (until ``lease_ms`` from now), or say why not."""
        reply = [as_text(part) for part in await self._claim(
            keys=[keys.registration(registration_id)],
            args=[MARKER + job, attempt, lease_ms, FIRST_TRY + job],
        )]
        state = ClaimState(reply[0])
        if state is ClaimState.BUSY:
            return Claim(state, retry_in_ms=int(reply[1]))
        if state is ClaimState.CLAIMED:
            return Claim(state, first_try_ms=int(reply[1]), now_ms=int(reply[2]),
                         resending=reply[3] == "1")
        return Claim(state)

    async def _write(self, script: Any, script_keys: list[str], args: list[Any],
                     confirm: bool = False) -> str:
        """Run a marker script; with ``confirm`` (and ``wait``), :class:`MarkerUnconfirmed`
        when the waits fall short."""
        if not confirm or self.wait is None:
            return as_text(await script(keys=script_keys, args=args))
        reply, confirmed = await write_confirmed(self.redis, script, script_keys, args,
                                                 self.wait)
        if isinstance(reply, Exception):
            raise reply
        if not confirmed and as_text(reply) == "OK":
            raise MarkerUnconfirmed(f"{args[0]} of {script_keys[0]}")
        return as_text(reply)

    async def _set(self, registration_id: str, job: str, attempt: str, value: str,
                   failure: str = "", done: bool = False, required: str = "",
                   confirm: bool = False) -> str:
        return await self._write(
            self._settle,
            [keys.registration(registration_id), keys.OUTBOX],
            [
                MARKER + job, attempt, value,
                FAILURE + job if failure else "", failure,
                keys.outbox_member(job, registration_id) if done else "",
                required,
            ],
            confirm,
        )

    async def commit(self, registration_id: str, job: str, attempt: str, lease_ms: int) -> None:
        """Mark the final dot as about to be sent (its reply awaited for up to ``lease_ms``);
        :class:`ClaimLost` if the claim is no longer this attempt's, and
        :class:`MarkerUnconfirmed` if the replicas did not confirm the mark in time."""
        reply = await self._write(self._commit, [keys.registration(registration_id)],
                                  [MARKER + job, attempt, lease_ms], confirm=True)
        if reply != "OK":
            raise ClaimLost(job)

    async def release(self, registration_id: str, job: str, attempt: str) -> None:
        """Give the claim back after a failure before the final dot (nothing was kept by
        the server). A claim past the final dot is left to lapse: the message may have
        been taken, and the next attempt says so when it sends it again."""
        await self._set(registration_id, job, attempt, "", required="sending")

    async def retrying(self, registration_id: str, job: str, attempt: str, detail: str) -> None:
        """A transient failure: the job will run again (the detail shows why)."""
        await self._set(registration_id, job, attempt, f"retrying:{detail}")

    async def finish(self, registration_id: str, job: str, attempt: str, value: str,
                     failure: str = "", confirm: bool = False) -> str:
        """Final state; the email is no longer owed (its outbox entry goes). ``confirm``
        (the ``sent`` state): :class:`MarkerUnconfirmed` when the replicas did not
        confirm it in time."""
        return await self._set(registration_id, job, attempt, value, failure, done=True,
                               confirm=confirm)

    async def drop_owed(self, registration_id: str, job: str) -> None:
        """Nothing to send after all (registration gone, or its state needs no email)."""
        await self.redis.zrem(keys.OUTBOX, keys.outbox_member(job, registration_id))
