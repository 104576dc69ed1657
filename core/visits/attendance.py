"""Who came to a study visit: recorded with the registration, counted per visit.

The provider marks a confirmed registration ``attended`` or ``absent`` once the visit has
started. The mark is a field of the registration's hash, so it goes with the personal
data on the same schedule; the visit's counts live in ``studyvisit:{visit}:attendance``
(hash ``attended``/``absent`` → count), which holds no personal data and has no expiry,
so the counts survive the purge. One Lua script sets the mark and moves the counts
together: marking twice changes nothing, changing a mark moves one count.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from redis.asyncio import Redis

from core.redis_values import as_text
from core.visits import keys

FIELD = "attendance"


class Attendance(StrEnum):
    ATTENDED = "attended"
    ABSENT = "absent"


class MarkResult(StrEnum):
    DONE = "DONE"
    ALREADY_DONE = "ALREADY_DONE"
    NOT_ALLOWED = "NOT_ALLOWED"  # not confirmed, or the visit has not started
    NOT_FOUND = "NOT_FOUND"


def counts_key(visit_id: str) -> str:
    return f"{keys.PREFIX}:{visit_id}:attendance"


# KEYS[1]: registration hash, KEYS[2]: its visit's counts. ARGV: mark, now, visit id.
_MARK = """
local fields = redis.call('HMGET', KEYS[1], 'status', 'startTs', 'visitId', 'attendance')
if not fields[1] or fields[3] ~= ARGV[3] then return 'NOT_FOUND' end
if fields[1] ~= 'CONFIRMED' or tonumber(fields[2]) > tonumber(ARGV[2]) then
  return 'NOT_ALLOWED'
end
if fields[4] == ARGV[1] then return 'ALREADY_DONE' end
if fields[4] then redis.call('HINCRBY', KEYS[2], fields[4], -1) end
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('HSET', KEYS[1], 'attendance', ARGV[1])
return 'DONE'
"""


class AttendanceBook:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._mark: Any = redis.register_script(_MARK)

    async def mark(self, registration_id: str, visit_id: str, attendance: Attendance,
                   now: int) -> MarkResult:
        """Mark a confirmed registration of ``visit_id`` (the caller's own visit)."""
        done = await self._mark(
            keys=[keys.registration(registration_id), counts_key(visit_id)],
            args=[attendance.value, now, visit_id])
        return MarkResult(as_text(done))

    async def attended_counts(self, visit_ids: Sequence[str]) -> dict[str, int]:
        """How many came to each visit, in one round trip."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for visit_id in visit_ids:
                pipe.hget(counts_key(visit_id), Attendance.ATTENDED.value)
            found = await pipe.execute()
        return {visit_id: int(value or 0)
                for visit_id, value in zip(visit_ids, found, strict=True)}
