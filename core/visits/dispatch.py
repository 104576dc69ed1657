"""The worker jobs the service enqueues, their dedupe ids, and the outbox behind them.

Each email owed is written to the outbox in the same Lua script that changes the
registration, and the job that sends it removes it. Enqueuing right after the change is
the fast path; the worker's outbox cron re-enqueues whatever was owed but never queued
(a crash between the change and the enqueue), so no email that is owed is forgotten.
Jobs carry only a registration id, never personal data.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from enum import StrEnum

from arq import create_pool
from arq.connections import ArqRedis

from core.redis_clients import arq_redis_settings
from core.redis_values import as_text
from core.settings import Settings
from core.visits import keys
from core.visits.awaiting import result

logger = logging.getLogger(__name__)


class Job(StrEnum):
    """The per-registration email jobs, by the arq function name."""

    PROVIDER_NOTIFICATION = "send_provider_notification"
    JOBSEEKER_RECEIPT = "send_jobseeker_receipt"
    DECISION = "send_decision"
    VISIT_CANCELLED = "send_visit_cancelled"
    PROVIDER_CANCELLATION = "send_provider_cancellation"
    REMINDER = "send_reminder_email"
    CANCELLATION_RECEIPT = "send_cancellation_receipt"
    PROVIDER_WITHDRAWAL = "send_provider_withdrawal"
    PROVIDER_PENDING_REMINDER = "send_provider_pending_reminder"
    PROVIDER_EVE_REMINDER = "send_provider_eve_reminder"
    EXPIRED_NOTICE = "send_expired_notice"
    WAITLIST_OFFER = "send_waitlist_offer"
    VISIT_RESCHEDULED = "send_visit_rescheduled"


RECONCILE_JOB = "reconcile_study_visits"
# How long a queued email job lives (arq drops an older one as expired, even between its
# retries): longer than the longest retry horizon (Settings: EMAIL_RETRY_HORIZON_HOURS).
EMAIL_JOB_LIFETIME = timedelta(days=8)
ALL_EMAIL_JOBS: tuple[str, ...] = tuple(job.value for job in Job)
# Emails owed again after a reschedule (:mod:`core.visits.reschedule`): one job per
# revision, the registration's ``icsSequence``, since arq keeps a finished job's id.
REVISED_JOBS = frozenset({Job.VISIT_RESCHEDULED, Job.REMINDER})


def job_id(job: Job, registration_id: str, revision: str = "") -> str:
    """One job per registration and email (and revision): enqueuing it again while it
    exists is a no-op."""
    suffix = f":{revision}" if revision not in ("", "0") else ""
    return f"{job.value}:{registration_id}{suffix}"


async def enqueue(queue: ArqRedis, job: Job, registration_id: str) -> bool:
    """Enqueue the job; ``False`` when it could not be (the outbox will bring it back)."""
    try:
        revision = ""
        if job in REVISED_JOBS:
            stored = await result(queue.hget(keys.registration(registration_id), "icsSequence"))
            revision = as_text(stored) if stored is not None else ""
        await queue.enqueue_job(job.value, registration_id,
                                _job_id=job_id(job, registration_id, revision),
                                _expires=EMAIL_JOB_LIFETIME)
    except Exception:  # the outbox cron re-enqueues; never fail the caller's request
        logger.warning("could not enqueue %s for registration %s; left to the outbox",
                       job.value, registration_id)
        return False
    return True


async def _enqueue_reconcile(settings: Settings, job_key: str) -> bool:
    redis_settings = arq_redis_settings(settings)
    redis_settings.conn_timeout = 2
    redis_settings.conn_retries = 0
    pool = await create_pool(redis_settings)
    try:
        await pool.enqueue_job(RECONCILE_JOB, _job_id=f"{RECONCILE_JOB}:{job_key}")
    finally:
        await pool.aclose()
    return True


def request_reconciliation(settings: Settings, job_key: str) -> bool:
    """After an index load: ask the worker to cancel registrations of removed visits.

    Best effort, for the indexer CLI: ``False`` (and nothing else) when Redis is not
    reachable; the worker's cron reconciles on its own a few minutes later anyway.
    """
    def enqueue() -> bool:
        return asyncio.run(_enqueue_reconcile(settings, job_key))

    try:
        # A thread of its own, so that it also works when the caller runs an event loop.
        with ThreadPoolExecutor(max_workers=1) as executor:
            return executor.submit(enqueue).result()
    except Exception:
        return False
