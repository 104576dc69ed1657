"""Rescheduling: a feed moved a visit (start, duration or address); its registrations follow.

Each active registration keeps its own copy of the visit (:mod:`core.visits.codec`). When
the index has the visit at another time or place, one Lua script per registration, in
one step:

* compares the copy with the visit now (equal: nothing happens, so a re-run of the same
  load sends nothing) and keeps the old time and place as ``previous*`` fields;
* writes the new time and place, raises ``icsSequence`` (the invitation's ``SEQUENCE``:
  an updated invitation, and any later cancellation, is higher than all before it);
* moves the expiry of the hash and of every index pointing at it, and of a confirmed
  registration its place among the confirmed and its reminder (:mod:`core.visits.reminders`;
  a reminder already sent for the old time is sent again for the new one);
* owes ``send_visit_rescheduled`` in the outbox, the email of an earlier reschedule not
  yet sent replaced by this one (one email tells the latest time).

Capacity is not part of the copy: a change that only lowers capacity cancels nobody.
The provider's decision links stay valid: a link past the expiry it was signed with still
counts while the registration's own expiry for it (:func:`core.visits.links.token_expiry`,
from the moved visit) has not passed (:meth:`core.visits.service.VisitService.claims`).
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from core.redis_values import as_text
from core.visits import keys
from core.visits.awaiting import result
from core.visits.models import RegistrationStatus, Visit
from core.visits.my_registrations import index_key as my_registrations_key

# KEYS: registration, expiries, confirmed, reminders, outbox, the visit's active set and
# emails hash, visits, the address's "my study visits" index.
# ARGV: id, now, reminder lead (s), new expiry, rescheduled job, reminder job, visit id,
# startTs, start, durationMinutes, street, postalCode, city.
_FOLLOW = """
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'PENDING' and status ~= 'CONFIRMED' then return '' end
local old = redis.call('HMGET', KEYS[1], 'startTs', 'durationMinutes', 'street',
                       'postalCode', 'city')
if old[1] == ARGV[8] and old[2] == ARGV[10] and old[3] == ARGV[11] and old[4] == ARGV[12]
   and old[5] == ARGV[13] then
  return ''
end
redis.call('HINCRBY', KEYS[1], 'icsSequence', 1)
redis.call('HSET', KEYS[1],
  'previousStartTs', old[1], 'previousDurationMinutes', old[2], 'previousStreet', old[3],
  'previousPostalCode', old[4], 'previousCity', old[5],
  'startTs', ARGV[8], 'start', ARGV[9], 'durationMinutes', ARGV[10], 'street', ARGV[11],
  'postalCode', ARGV[12], 'city', ARGV[13], 'expiresAt', ARGV[4], 'updatedAt', ARGV[2],
  'rescheduledAt', ARGV[2])
for _, prefix in ipairs({'mail:', 'mailFailure:', 'mailFirstTry:'}) do
  redis.call('HDEL', KEYS[1], prefix .. ARGV[5])
end
redis.call('EXPIREAT', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
redis.call('EXPIREAT', KEYS[6], ARGV[4], 'GT')
redis.call('EXPIREAT', KEYS[7], ARGV[4], 'GT')
redis.call('ZADD', KEYS[8], ARGV[8], ARGV[7])
redis.call('ZADD', KEYS[9], 'XX', ARGV[4], ARGV[1])
if status == 'CONFIRMED' then
  redis.call('ZADD', KEYS[3], ARGV[8], ARGV[1])
  local lead = tonumber(ARGV[3])
  local due = tonumber(ARGV[8]) - lead
  if lead > 0 and due > tonumber(ARGV[2]) then
    redis.call('ZADD', KEYS[4], due, ARGV[1])
    local reminded = redis.call('HGET', KEYS[1], 'mail:' .. ARGV[6])
    if reminded and string.sub(reminded, 1, 5) == 'sent:' then
      redis.call('HDEL', KEYS[1], 'mail:' .. ARGV[6], 'mailFirstTry:' .. ARGV[6])
    end
  else
    redis.call('ZREM', KEYS[4], ARGV[1])
  end
end
redis.call('ZADD', KEYS[5], ARGV[2], ARGV[5] .. ':' .. ARGV[1])
return status
"""


class Rescheduler:
    """Moves registrations to their visit's new time and place, one script each."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._follow: Any = redis.register_script(_FOLLOW)

    async def follow(self, registration_id: str, visit: Visit, expires_at: int, now: int,
                     reminder_lead: int, job: str, reminder_job: str
                     ) -> RegistrationStatus | None:
        """Move the registration to ``visit``'s time and place, owing ``job``; its status
        when it moved, ``None`` when nothing changed (or it is no longer active)."""
        digest = await result(self.redis.hget(keys.registration(registration_id), "emailHash"))
        reply = await self._follow(
            keys=[keys.registration(registration_id), keys.EXPIRIES, keys.CONFIRMED,
                  keys.REMINDERS, keys.OUTBOX, keys.active(visit.id), keys.emails(visit.id),
                  keys.VISITS, my_registrations_key(as_text(digest) if digest else "none")],
            args=[registration_id, now, reminder_lead, expires_at, job, reminder_job,
                  visit.id, visit.start_ts, visit.start, visit.duration_minutes,
                  visit.address.street, visit.address.postal_code, visit.address.city],
        )
        status = as_text(reply)
        return RegistrationStatus(status) if status else None
