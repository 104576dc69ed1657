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
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from enum import StrEnum
from typing import Any

from arq import create_pool
from arq.connections import ArqRedis
from arq.constants import job_key_prefix, result_key_prefix
from arq.jobs import serialize_job
from arq.utils import timestamp_ms, to_ms

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


# KEYS: a guard key, each job's key and result key, then the queue. ARGV: whether the guard
# counts, the jobs' expiry (ms), the enqueue time (ms, the score), then each job's id and
# serialized job. Nothing is enqueued when the guard counts and its key does not exist;
# otherwise, as arq's ``enqueue_job`` for each job: one whose key or result exists is not
# enqueued again.
_ENQUEUE = """
if ARGV[1] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local queue = KEYS[#KEYS]
local queued = 0
for i = 1, (#KEYS - 2) / 2 do
  if redis.call('EXISTS', KEYS[2 * i], KEYS[2 * i + 1]) == 0 then
    redis.call('SET', KEYS[2 * i], ARGV[3 + 2 * i], 'PX', ARGV[2])
    redis.call('ZADD', queue, ARGV[3], ARGV[2 + 2 * i])
    queued = queued + 1
  end
end
return queued
"""


async def enqueue(queue: ArqRedis, job: Job, registration_id: str) -> bool:
    """Enqueue the job; ``False`` when it could not be (the outbox will bring it back)."""
    return await enqueue_all(queue, (job,), registration_id)


async def enqueue_all(queue: ArqRedis, jobs: Sequence[Job], registration_id: str) -> bool:
    """Enqueue the registration's jobs in one round trip; ``False`` when they could not
    be (the outbox will bring them back)."""
    try:
        revision = ""
        if any(job in REVISED_JOBS for job in jobs):
            stored = await result(queue.hget(keys.registration(registration_id), "icsSequence"))
            revision = as_text(stored) if stored is not None else ""
        await queue.execute_command(  # type: ignore[no-untyped-call]
            *enqueue_command(queue, jobs, registration_id, revision))
    except Exception:  # the outbox cron re-enqueues; never fail the caller's request
        logger.warning("could not enqueue %s for registration %s; left to the outbox",
                       ", ".join(job.value for job in jobs), registration_id)
        return False
    return True


def enqueue_command(queue: ArqRedis, jobs: Sequence[Job], registration_id: str,
                    revision: str = "", guard: str | None = None) -> list[Any]:
    """The command that enqueues the registration's jobs, to send on any connection to
    the queue's Redis; with a ``guard`` key, only if that key exists (a reservation's
    registration: :meth:`core.visits.store.RegistrationStore.reserve` sends it with the
    write).

    One script does for every job what arq's ``enqueue_job`` does with a WATCH, an
    EXISTS and a MULTI/EXEC of its own: the job, serialized by arq (so workers read it
    as any other), is stored with its expiry and queued, unless its id exists already.
    """
    now_ms = timestamp_ms()
    ids = [job_id(job, registration_id, revision if job in REVISED_JOBS else "")
           for job in jobs]
    job_keys = [key for i in ids for key in (job_key_prefix + i, result_key_prefix + i)]
    serialized = [arg for job, i in zip(jobs, ids, strict=True) for arg in (
        i, serialize_job(job.value, (registration_id,), {}, None, now_ms,
                         serializer=queue.job_serializer))]
    return ["EVAL", _ENQUEUE, len(job_keys) + 2, guard or "", *job_keys,
            queue.default_queue_name, "1" if guard else "0", to_ms(EMAIL_JOB_LIFETIME),
            now_ms, *serialized]


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
