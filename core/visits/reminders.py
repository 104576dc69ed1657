"""Per-registration reminders: when each confirmed visit's reminder is due.

``studyvisit:index:reminders`` (:data:`core.visits.keys.REMINDERS`) holds confirmed
registration ids by the time their reminder is due: ``REMINDER_HOURS_BEFORE`` before the
visit. The confirmation's Lua script (:mod:`core.visits.store`) writes it in the same step
as the status, a reschedule (:mod:`core.visits.reschedule`) moves it, and leaving
CONFIRMED or an erasure removes it. A visit confirmed later than the lead time gets no
reminder: the confirmation is then the last word before the visit, and says so.

Once a minute the worker takes what is due (:class:`DueReminders`): one script moves
each id from this set into the outbox (:mod:`core.visits.dispatch`), so a reminder
taken is owed until its job has run, and the job's sent-marker sends it once.
Registrations confirmed before reminders were kept here get theirs scheduled by
:func:`schedule_missing` (hourly, and when the worker starts).
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from core.redis_values import as_text
from core.settings import Settings
from core.visits import keys
from core.visits.awaiting import result
from core.visits.models import Registration
from core.visits.store import RegistrationStore

HOUR = 3600

# KEYS: reminders, outbox. ARGV: now, batch size, reminder job name.
# Reply: the registration ids whose reminders were taken.
_TAKE_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZADD', KEYS[2], ARGV[1], ARGV[3] .. ':' .. id)
end
return due
"""


def lead_seconds(settings: Settings) -> int:
    return settings.reminder_hours_before * HOUR


def reminder_due(start_ts: int, lead: int, now: int) -> int | None:
    """When the reminder of a visit starting at ``start_ts`` is due, scheduled at ``now``;
    ``None``: that time has passed (no reminder). The store's scripts follow this rule."""
    due = start_ts - lead
    return due if lead > 0 and due > now else None


def reminder_scheduled(registration: Registration, settings: Settings) -> bool:
    """Whether the confirmation scheduled a reminder (what its email may promise)."""
    confirmed_at = registration.decided_at or registration.updated_at
    return reminder_due(registration.visit.start_ts, lead_seconds(settings),
                        confirmed_at) is not None


async def schedule_missing(redis: Redis, store: RegistrationStore, settings: Settings,
                           job: str, now: int) -> int:
    """Schedule the reminders of upcoming confirmed registrations that have none, sent
    none and owe none: those confirmed before reminders were scheduled per registration.
    Each gets the reminder its confirmation promised (at once, if that time has passed)."""
    scheduled = 0
    upcoming = [as_text(v) for v in await redis.zrangebyscore(keys.CONFIRMED, now, "+inf")]
    for registration_id in upcoming:
        if (await result(redis.zscore(keys.REMINDERS, registration_id)) is not None
                or await result(redis.zscore(
                    keys.OUTBOX, keys.outbox_member(job, registration_id))) is not None):
            continue
        registration = await store.get(registration_id)
        if (registration is None or job in registration.mail_states
                or not reminder_scheduled(registration, settings)):
            continue
        due = max(registration.visit.start_ts - lead_seconds(settings), now)
        await result(redis.zadd(keys.REMINDERS, {registration_id: due}))
        scheduled += 1
    return scheduled


class DueReminders:
    """Takes the reminders that are due into the outbox."""

    def __init__(self, redis: Redis) -> None:
        self._take: Any = redis.register_script(_TAKE_DUE)

    async def take(self, now: int, job: str, batch: int) -> list[str]:
        """The ids of up to ``batch`` due reminders, now owed as ``job`` in the outbox."""
        reply = await self._take(keys=[keys.REMINDERS, keys.OUTBOX], args=[now, batch, job])
        return [as_text(value) for value in reply]
