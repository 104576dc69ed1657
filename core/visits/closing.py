"""Closing time and unanswered registrations.

**Closing time.** Registration for a visit closes ``registrationClosesHoursBefore`` hours
(the feed's, per visit) before it starts, else ``REGISTRATION_CLOSES_HOURS_BEFORE``
(the service's default). From that moment on a registration is refused with
``REGISTRATION_CLOSED``.

**Unanswered registrations.** Each registration gets up to three due times in the sorted
set :data:`keys.CLOSING_DUE` (member ``{step}:{registration id}``, score the due time),
written by the script that reserves its seat (a seat claimed from the waitlist gets them
at its claim):

* ``remind``: the provider is reminded ``PENDING_REMINDER_HOURS`` after the registration,
  when that is before the next step;
* ``eve``: the provider is reminded 24 hours before the visit, when the registration was
  made before then;
* ``expire``: a registration still PENDING when the visit starts becomes ``EXPIRED``,
  its seat is freed and the jobseeker is told.

:func:`sweep` (the worker's minute cron) acts on every entry that is due. It reads the
registration's current state, so an answered, cancelled or erased registration is
dropped, and a visit that was moved later only moves the entry (its due time is computed
again from the registration's copy of the visit). Each email is owed in the outbox in the
same step that removes the entry, and sent once (:mod:`workers.markers`).

``EXPIRED`` is a status of its own rather than ``CANCELLED`` with a reason: nobody
cancelled; the jobseeker's pages and the API say that the provider never answered.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from arq.connections import ArqRedis
from redis.asyncio import Redis

from core.redis_values import as_text
from core.visits import dispatch, keys
from core.visits.dispatch import Job
from core.visits.models import Registration, RegistrationStatus, Visit
from core.visits.store import RegistrationStore, TransitionOutcome

logger = logging.getLogger(__name__)

HOUR = 3_600
DAY = 86_400
SWEEP_BATCH = 500


class Step(StrEnum):
    REMIND = "remind"
    EVE = "eve"
    EXPIRE = "expire"


REMINDER_JOBS = {Step.REMIND: Job.PROVIDER_PENDING_REMINDER,
                 Step.EVE: Job.PROVIDER_EVE_REMINDER}


def closes_at(start_ts: int, hours_before: int | None, default_hours: int) -> int:
    """When registration closes (Unix s): the visit's own hours, else the default."""
    hours = default_hours if hours_before is None else hours_before
    return start_ts - hours * HOUR


def visit_closes_at(visit: Visit, default_hours: int) -> int:
    return closes_at(visit.start_ts, visit.registration_closes_hours_before, default_hours)


def is_closed(closing_ts: int, now: int) -> bool:
    """Closed from the closing time itself on."""
    return now >= closing_ts


def due_times(created_at: int, start_ts: int, reminder_hours: int) -> dict[Step, int]:
    """The steps of a registration made at ``created_at`` for a visit at ``start_ts``."""
    due = {Step.EXPIRE: start_ts}
    eve = start_ts - DAY
    if eve > created_at:
        due[Step.EVE] = eve
    remind = created_at + reminder_hours * HOUR
    if remind < due.get(Step.EVE, start_ts):
        due[Step.REMIND] = remind
    return due


def member(step: Step, registration_id: str) -> str:
    return keys.closing_member(step.value, registration_id)


def due_entries(registration_id: str, created_at: int, start_ts: int, reminder_hours: int
                ) -> dict[str, int]:
    """The registration's entries of :data:`keys.CLOSING_DUE`: member → due time (a new
    registration's go with its reservation, :meth:`RegistrationStore.reserve`)."""
    due = due_times(created_at, start_ts, reminder_hours)
    return {member(step, registration_id): ts for step, ts in due.items()}


async def schedule(redis: Redis, registration_id: str, created_at: int, start_ts: int,
                   reminder_hours: int) -> None:
    """Write (or move) the registration's due times; idempotent."""
    await redis.zadd(keys.CLOSING_DUE, due_entries(registration_id, created_at, start_ts,
                                                   reminder_hours))


# KEYS: registration, due set, outbox. ARGV: due member, outbox member, now.
# Owes the reminder only while the registration is still PENDING; drops the entry.
_OWE_REMINDER = """
local owed = 0
if redis.call('HGET', KEYS[1], 'status') == 'PENDING' then
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
  owed = 1
end
redis.call('ZREM', KEYS[2], ARGV[1])
return owed
"""


@dataclass(frozen=True, slots=True)
class SweepCounts:
    reminded: int = 0
    expired: int = 0
    dropped: int = 0
    moved: int = 0


class ClosingSweeper:
    """Acts on the due entries of :data:`keys.CLOSING_DUE` (see the module's text)."""

    def __init__(self, redis: ArqRedis, store: RegistrationStore, reminder_hours: int,
                 seat_freed: Callable[[str], Awaitable[object]] | None = None) -> None:
        """``seat_freed(visit_id)`` hands the seat an expiry freed on (the waitlist's
        offer); the waitlist sweep offers it within a minute should that fail."""
        self.redis = redis
        self.store = store
        self.reminder_hours = reminder_hours
        self.seat_freed = seat_freed
        self._owe_reminder: Any = redis.register_script(_OWE_REMINDER)

    async def sweep(self, now: int) -> SweepCounts:
        counts = {"reminded": 0, "expired": 0, "dropped": 0, "moved": 0}
        while True:
            due = await self.redis.zrangebyscore(keys.CLOSING_DUE, "-inf", now,
                                                 start=0, num=SWEEP_BATCH)
            for raw in due:
                counts[await self._act(as_text(raw), now)] += 1
            if len(due) < SWEEP_BATCH:
                return SweepCounts(**counts)

    async def _act(self, entry: str, now: int) -> str:
        step_name, _, registration_id = entry.partition(":")
        step = _step(step_name)
        registration = await self.store.get(registration_id) if step else None
        due = None if registration is None or step is None else self._due(registration, step)
        if (registration is None or step is None or due is None
                or registration.status is not RegistrationStatus.PENDING):
            await self.redis.zrem(keys.CLOSING_DUE, entry)
            return "dropped"
        if due > now:  # the visit was moved later
            await self.redis.zadd(keys.CLOSING_DUE, {entry: due})
            return "moved"
        if step is Step.EXPIRE:
            return await self._expire(registration, entry, now)
        job = REMINDER_JOBS[step]
        owed = await self._owe_reminder(
            keys=[keys.registration(registration_id), keys.CLOSING_DUE, keys.OUTBOX],
            args=[entry, keys.outbox_member(job.value, registration_id), now])
        if not int(owed):
            return "dropped"
        await dispatch.enqueue(self.redis, job, registration_id)
        return "reminded"

    def _due(self, registration: Registration, step: Step) -> int | None:
        # a seat claimed from the waitlist was put before the provider at its claim
        asked_at = registration.claimed_at or registration.created_at
        return due_times(asked_at, registration.visit.start_ts, self.reminder_hours).get(step)

    async def _expire(self, registration: Registration, entry: str, now: int) -> str:
        changed = await self.store.transition(
            registration.id, (RegistrationStatus.PENDING,), RegistrationStatus.EXPIRED, now,
            outbox_jobs=(Job.EXPIRED_NOTICE.value,))
        await self.redis.zrem(keys.CLOSING_DUE, entry)
        if changed.outcome is not TransitionOutcome.OK:
            return "dropped"
        logger.info("registration %s expired unanswered", registration.id)
        await dispatch.enqueue(self.redis, Job.EXPIRED_NOTICE, registration.id)
        if self.seat_freed is not None:
            await self.seat_freed(registration.visit.id)
        return "expired"


def _step(name: str) -> Step | None:
    try:
        return Step(name)
    except ValueError:
        return None


def summary(counts: SweepCounts) -> str:
    return (f"reminded {counts.reminded}, expired {counts.expired}, "
            f"dropped {counts.dropped}, moved {counts.moved}")
