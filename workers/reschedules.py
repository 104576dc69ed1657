"""The worker's side of rescheduling (:mod:`core.visits.reschedule`): after a load, and
with every reconciliation, move the registrations of visits the index now has at another
time or place, and send each jobseeker the news (``send_visit_rescheduled``)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

import httpx
from arq.connections import ArqRedis

from core.redis_values import as_text
from core.settings import Settings
from core.visits import closing, dispatch, keys
from core.visits.awaiting import result
from core.visits.catalog import current_visits
from core.visits.dispatch import Job
from core.visits.models import RegistrationStatus
from core.visits.reminders import lead_seconds
from core.visits.reschedule import Rescheduler
from core.visits.service import registration_expiry

logger = logging.getLogger("workers.reschedules")


async def follow_reschedules(ctx: dict[str, Any], visit_ids: Iterable[str]) -> int:
    """Move the active registrations of these visits to where and when the index has the
    visits now; how many moved. Raises ``CatalogUnavailable`` when the index cannot be
    read (nothing moves then)."""
    settings: Settings = ctx["settings"]
    redis: ArqRedis = ctx["redis"]
    meili: httpx.AsyncClient = ctx["meili"]
    rescheduler = Rescheduler(redis)
    visits = await current_visits(meili, settings.meili_index, visit_ids)
    now = int(time.time())
    moved = 0
    for visit_id, visit in sorted(visits.items()):
        expires_at = registration_expiry(visit.end_ts, settings.personal_data_retention_days)
        followed = 0
        for member in sorted(await result(redis.smembers(keys.active(visit_id)))):
            registration_id = as_text(member)
            status = await rescheduler.follow(
                registration_id, visit, expires_at, now, lead_seconds(settings),
                Job.VISIT_RESCHEDULED.value, Job.REMINDER.value)
            if status is RegistrationStatus.PENDING:  # its closing steps move with it
                await _move_due_times(ctx, registration_id, visit.start_ts)
            if status is not None:
                followed += 1
                await dispatch.enqueue(redis, Job.VISIT_RESCHEDULED, registration_id)
        if followed:
            logger.info("follow_reschedules: visit %s moved; %d registrations follow",
                        visit_id, followed)
        moved += followed
    return moved


async def _move_due_times(ctx: dict[str, Any], registration_id: str, start_ts: int) -> None:
    """Rewrite a pending registration's closing steps for the moved start (a visit moved
    earlier would otherwise expire late; :mod:`core.visits.closing`)."""
    settings: Settings = ctx["settings"]
    registration = await ctx["store"].get(registration_id)
    if registration is not None:
        asked_at = registration.claimed_at or registration.created_at
        await closing.schedule(ctx["redis"], registration_id, asked_at, start_ts,
                               settings.pending_reminder_hours)
