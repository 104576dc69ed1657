"""A worker process to kill, and emails owed to send: the email fault tests and bench.

The worker runs as ``python -m workers run`` in a process of its own (so it can be
SIGKILLed) with the environment built from a :class:`Settings`. Registrations are
stored and their two emails queued exactly as the registration service does (the
registration with its outbox entries in one script, then the jobs with their dedupe
ids), for a visit given by the caller.
"""

from __future__ import annotations

import secrets
import sys
import time
from collections import Counter
from pathlib import Path

from arq.connections import ArqRedis
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import dispatch
from core.visits.dispatch import Job
from core.visits.models import Address, Language, Registration, RegistrationStatus, Visit
from core.visits.pseudonyms import email_digest
from core.visits.store import RegistrationStore, ReserveOutcome
from devstack.mailsink import MailSink
from devstack.processes import ManagedProcess

ROOT = Path(__file__).resolve().parent.parent
OWED = (Job.PROVIDER_NOTIFICATION, Job.JOBSEEKER_RECEIPT)


def worker_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a worker process these settings."""
    return {
        "PATH": "/usr/bin:/bin",
        "MEILI_URL": settings.meili_url,
        "MEILI_MASTER_KEY": settings.meili_master_key,
        "MEILI_INDEX": settings.meili_index,
        "REDIS_URL": settings.redis_url,
        "SECRET_KEY": settings.secret_key,
        "SMTP_HOST": settings.smtp_host,
        "SMTP_PORT": str(settings.smtp_port),
        "SMTP_TIMEOUT_SECONDS": str(settings.smtp_timeout_seconds),
        "SMTP_DATA_TIMEOUT_SECONDS": str(settings.smtp_data_timeout_seconds),
        "PUBLIC_BASE_URL": settings.public_base_url,
        "EMAIL_RETRY_BASE_SECONDS": str(settings.email_retry_base_seconds),
        "EMAIL_RETRY_MAX_SECONDS": str(settings.email_retry_max_seconds),
        "EMAIL_RETRY_HORIZON_HOURS": str(settings.email_retry_horizon_hours),
        "WORKER_JOB_TIMEOUT_SECONDS": str(settings.worker_job_timeout_seconds),
    }


def worker_process(settings: Settings, log_path: Path) -> ManagedProcess:
    """``python -m workers run`` with these settings (not started)."""
    return ManagedProcess("worker", [sys.executable, "-m", "workers", "run"], log_path,
                          worker_env(settings), ROOT)


def sample_visit(start_ts: int) -> Visit:
    """A visit as the index would give it, for registrations stored directly."""
    return Visit(
        id="559876-5435-FAULTS~V1", visit_id="V1", course_id="559876-5435-FAULTS",
        course_title="Svetsare, grundkurs", course_title_en="Welder, basic course",
        provider_name="Utbildning AB", municipality_name="Göteborg",
        start=time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(start_ts)),
        start_ts=start_ts, duration_minutes=90, capacity=100_000,
        address=Address("Verkstadsgatan 1", "41707", "Göteborg"),
        contact_name="Olle Berg", contact_email="olle@utbildning.example",
    )


async def register(settings: Settings, redis: Redis, queue: ArqRedis, visit: Visit,
                   count: int) -> list[str]:
    """Store ``count`` registrations for ``visit`` and queue the emails each owes."""
    store = RegistrationStore(redis)
    ids = []
    now = int(time.time())
    for number in range(count):
        registration_id = secrets.token_urlsafe(16)
        registration = Registration(
            id=registration_id, status=RegistrationStatus.PENDING, visit=visit,
            name=f"Person Nummer {number}", email=f"person.{registration_id}@example.se",
            phone=None, language=Language.SV, created_at=now, updated_at=now,
            expires_at=now + 86_400)
        reserved = await store.reserve(
            registration, email_digest(settings.secret_key, registration.email), now,
            outbox=tuple(job.value for job in OWED))
        if reserved.outcome is not ReserveOutcome.OK:
            raise RuntimeError(f"registration refused: {reserved.outcome}")
        for job in OWED:
            await dispatch.enqueue(queue, job, registration.id)
        ids.append(registration.id)
    return ids


def expected_message_ids(registration_ids: list[str]) -> set[str]:
    return {f"<{job.value}.{r}@studiebesok.localhost>" for r in registration_ids for job in OWED}


def message_ids(sink: MailSink) -> Counter[str]:
    """How often each Message-ID reached the sink."""
    return Counter(str(m.message["Message-ID"]).strip() for m in sink.messages)
