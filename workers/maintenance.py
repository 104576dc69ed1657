"""Housekeeping jobs: purge, reconciliation with the index, reminders, the outbox.

None takes an argument; each returns a short summary of counts.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx
from arq.connections import ArqRedis

from core.redis_values import as_text
from core.settings import Settings
from core.visits import dispatch, keys, reminders
from core.visits.awaiting import result
from core.visits.catalog import CatalogUnavailable, existing_visit_ids
from core.visits.dispatch import Job
from core.visits.models import CancelReason, RegistrationStatus
from core.visits.reminders import DueReminders
from core.visits.store import RegistrationStore, TransitionOutcome
from workers.reschedules import follow_reschedules

logger = logging.getLogger("workers.maintenance")

OUTBOX_GRACE_SECONDS = 60
BATCH = 500


async def purge_expired(ctx: dict[str, Any]) -> str:
    """Erase registrations past their expiry, and whatever pointed at them.

    Redis already deleted the hashes at their expiry; this removes the ids left in sets
    and indexes, and erases any registration whose hash lost its expiry (a restore, a
    manual edit): the expiry in its ``expiresAt`` field still counts.
    """
    settings: Settings = ctx["settings"]
    redis: ArqRedis = ctx["redis"]
    store: RegistrationStore = ctx["store"]
    now = int(time.time())
    purged = 0
    while True:
        ids = await redis.zrangebyscore(keys.EXPIRIES, "-inf", now, start=0, num=BATCH)
        if not ids:
            break
        for registration_id in ids:
            await store.erase(as_text(registration_id), dispatch.ALL_EMAIL_JOBS)
            await redis.zrem(keys.EXPIRIES, registration_id)
            purged += 1
    missed = 0
    async for key in redis.scan_iter(match=keys.registration("*"), count=BATCH):
        if await redis.ttl(key) != -1:
            continue
        registration_id = as_text(key).rsplit(":", 1)[1]
        expires = await result(redis.hget(key, "expiresAt"))
        if expires is None or int(as_text(expires)) <= now:
            await store.erase(registration_id, dispatch.ALL_EMAIL_JOBS)
            missed += 1
        else:
            await redis.expireat(key, int(as_text(expires)))
    retention = settings.personal_data_retention_days * 86_400
    await redis.zremrangebyscore(keys.VISITS, "-inf", now - retention)
    await redis.zremrangebyscore(keys.OUTBOX, "-inf", now - retention)
    logger.info("purge_expired: %d expired, %d without expiry", purged, missed)
    return f"purged {purged}, missed {missed}"


async def reconcile_study_visits(ctx: dict[str, Any]) -> str:
    """Cancel the registrations of upcoming visits that the index no longer has, and
    move those of visits it has at another time or place (:mod:`workers.reschedules`).

    Only upcoming visits count: a feed may leave out visits that have passed. When the
    index cannot be read, or is empty (being rebuilt), nothing is cancelled.
    """
    settings: Settings = ctx["settings"]
    redis: ArqRedis = ctx["redis"]
    store: RegistrationStore = ctx["store"]
    meili: httpx.AsyncClient = ctx["meili"]
    now = int(time.time())
    upcoming = [as_text(v) for v in await redis.zrangebyscore(keys.VISITS, now, "+inf")]
    taken = {}
    for visit_id in upcoming:
        count = await result(redis.scard(keys.active(visit_id)))
        if count:
            taken[visit_id] = count
    if not taken:
        return "no upcoming visits with registrations"
    try:
        existing = await existing_visit_ids(meili, settings.meili_index, taken)
    except CatalogUnavailable:
        logger.warning("reconcile_study_visits: index unavailable; nothing cancelled")
        return "index unavailable"
    cancelled = 0
    for visit_id in sorted(set(taken) - existing):
        waiting = await result(redis.zrange(keys.waitlist(visit_id), 0, -1))  # and its line
        for member in [*await result(redis.smembers(keys.active(visit_id))), *waiting]:
            registration_id = as_text(member)
            changed = await store.transition(
                registration_id,
                (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED,
                 RegistrationStatus.OFFERED, RegistrationStatus.WAITLISTED),
                RegistrationStatus.CANCELLED,
                now,
                outbox_jobs=(Job.VISIT_CANCELLED.value,),
                cancel_reason=CancelReason.VISIT_REMOVED,
            )
            if changed.outcome is TransitionOutcome.OK:
                cancelled += 1
                await dispatch.enqueue(redis, Job.VISIT_CANCELLED, registration_id)
        logger.info("reconcile_study_visits: visit %s was removed from the index", visit_id)
    try:
        moved = await follow_reschedules(ctx, existing)
    except CatalogUnavailable:
        logger.warning("reconcile_study_visits: index unavailable; reschedules left for later")
        moved = 0
    return (f"checked {len(taken)} visits, cancelled {cancelled} registrations, "
            f"{moved} rescheduled")


async def send_due_reminders(ctx: dict[str, Any]) -> str:
    """Cron, every minute: enqueue the reminders that are due (:mod:`core.visits.reminders`);
    each is owed in the outbox from the moment it is taken, and its marker sends it once."""
    redis: ArqRedis = ctx["redis"]
    due = DueReminders(redis)
    taken = 0
    while True:
        ids = await due.take(int(time.time()), Job.REMINDER.value, BATCH)
        for registration_id in ids:
            await dispatch.enqueue(redis, Job.REMINDER, registration_id)
        taken += len(ids)
        if len(ids) < BATCH:
            return f"reminders enqueued: {taken}"


async def schedule_missing_reminders(ctx: dict[str, Any]) -> str:
    """Cron, hourly and at start-up: give upcoming confirmed registrations without a
    scheduled reminder the one their confirmation promised (:mod:`core.visits.reminders`)."""
    scheduled = await reminders.schedule_missing(ctx["redis"], ctx["store"], ctx["settings"],
                                                 Job.REMINDER.value, int(time.time()))
    return f"reminders scheduled: {scheduled}"


async def redispatch_outbox(ctx: dict[str, Any]) -> str:
    """Cron: enqueue again every email owed for over a minute whose job is gone.

    Enqueuing uses the job's dedupe id, so a job still queued or retrying is left alone;
    a job lost with Redis (one without persistence, or the last second of an append-only
    file) is queued again. Every owed entry is visited, in pages: during a long SMTP
    outage thousands of emails may be owed, and a lost one must not hide behind them.
    """
    redis: ArqRedis = ctx["redis"]
    cutoff = int(time.time()) - OUTBOX_GRACE_SECONDS
    enqueued = offset = 0
    while True:
        members = await redis.zrangebyscore(keys.OUTBOX, "-inf", cutoff, start=offset, num=BATCH)
        offset += len(members)
        for member in members:
            job_name, _, registration_id = as_text(member).partition(":")
            if job_name not in dispatch.ALL_EMAIL_JOBS or not registration_id:
                await redis.zrem(keys.OUTBOX, member)
                offset -= 1
                continue
            await dispatch.enqueue(redis, Job(job_name), registration_id)
            enqueued += 1
        if len(members) < BATCH:
            return f"outbox: {enqueued} re-enqueued"
