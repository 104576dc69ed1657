"""A worker process to kill, a Redis to kill, emails owed: the email fault tests and bench.

The worker runs as ``python -m workers run`` in a process of its own (so it can be
SIGKILLed) with the environment built from a :class:`Settings`. Redis is one of the
caller's own (append-only, so queued jobs survive its SIGKILL), restarted on the same
port. Registrations are stored and their two emails queued exactly as the registration
service does (the registration with its outbox entries in one script, then the jobs
with their dedupe ids), for a visit given by the caller. :func:`kill_worker_at` is the
scenario both the tests and ``bench/email_faults.py`` run.
"""

from __future__ import annotations

import asyncio
import secrets
import signal
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from arq.connections import ArqRedis
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import dispatch, keys
from core.visits.dispatch import Job
from core.visits.models import Address, Language, Registration, RegistrationStatus, Visit
from core.visits.pseudonyms import email_digest
from core.visits.store import RegistrationStore, ReserveOutcome
from devstack.mailsink import MailSink
from devstack.processes import ManagedProcess, free_port, start_redis
from devstack.staged_mailsink import Stage, StagedMailSink

ROOT = Path(__file__).resolve().parent.parent
OWED = (Job.PROVIDER_NOTIFICATION, Job.JOBSEEKER_RECEIPT)
# Where a worker is killed: connected (EHLO unanswered), envelope started (MAIL
# unanswered), body in flight (no final dot yet), final dot sent (reply withheld).
STAGES = ("ehlo", "mail", "body", "after-dot")


@dataclass
class OwnRedis:
    """A Redis of the caller's own, append-only, that may be killed and started again."""

    port: int
    data_dir: Path
    log_path: Path
    process: ManagedProcess

    @classmethod
    def start(cls, folder: Path) -> OwnRedis:
        port = free_port()
        data_dir, log_path = folder / "redis", folder / "redis.log"
        return cls(port, data_dir, log_path,
                   start_redis(port, data_dir, appendonly=True, log_path=log_path))

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def signal(self, signum: signal.Signals) -> None:
        assert self.process.process is not None
        self.process.process.send_signal(signum)

    def restart(self) -> None:
        """Start it again on the same port (after a kill), once it answers PING."""
        self.process.stop()
        self.process = start_redis(self.port, self.data_dir, appendonly=True,
                                   log_path=self.log_path)

    def stop(self) -> None:
        if self.process.running():
            self.signal(signal.SIGCONT)  # a stopped Redis would not heed SIGTERM
        self.process.stop()


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
        "SMTP_POOL_SIZE": str(settings.smtp_pool_size),
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


async def until(check: Callable[[], bool | Awaitable[bool]], timeout: float, what: str) -> None:
    """Poll ``check`` until it holds; :class:`TimeoutError` naming ``what`` otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        outcome = check()
        if not isinstance(outcome, bool):
            outcome = await outcome
        if outcome:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"{what}: not within {timeout:.0f} s")


def outbox_empty(redis: Redis) -> Callable[[], Awaitable[bool]]:
    """Whether no email is owed any more (each was sent or failed for good)."""
    async def check() -> bool:
        return int(await redis.zcard(keys.OUTBOX)) == 0
    return check


@dataclass(frozen=True)
class KillOutcome:
    registration_ids: list[str]
    expected: set[str]  # the Message-IDs owed
    counts: Counter[str]  # how often each Message-ID reached the sink
    received_before_restart: int
    cut_in_data: int  # sessions lost after the 354, before the final dot
    logs: tuple[Path, Path]  # the killed worker's and the restarted worker's
    restarted_worker_running: bool

    @property
    def delivered(self) -> int:
        return len(set(self.counts) & self.expected)

    @property
    def duplicates(self) -> int:
        return sum(self.counts.values()) - len(self.counts)


async def kill_worker_at(stage: str, settings: Settings, own_redis: OwnRedis,
                         sink: StagedMailSink, redis: Redis, queue: ArqRedis, visit: Visit,
                         registrations: int, folder: Path, timeout: float = 90) -> KillOutcome:
    """Queue the emails of ``registrations``, SIGKILL the worker while every session is at
    ``stage``, start another worker and wait until nothing is owed any more."""
    ids = await register(settings, redis, queue, visit, registrations)
    emails = registrations * len(OWED)
    sink.hold(Stage.DATA if stage == "body" else Stage(stage))
    logs = folder / f"{stage}-worker-1.log", folder / f"{stage}-worker-2.log"
    first = worker_process(settings, logs[0]).start()
    second = worker_process(settings, logs[1])
    try:
        await until(lambda: sink.held >= emails, timeout, f"{emails} sessions held at {stage}")
        if stage == "body":
            # With Redis stopped the worker, once it has the 354, writes the body and then
            # waits on Redis to mark the final dot: the body is in flight when it dies.
            own_redis.signal(signal.SIGSTOP)
            sink.release()
            await asyncio.sleep(1.0)
        first.kill()
        own_redis.signal(signal.SIGCONT)
        sink.release()
        received_before_restart = len(sink.messages)
        await asyncio.sleep(0.5)  # the sink sees the killed worker's connections close
        cut_in_data = sink.cut_in_data
        second.start()
        expected = expected_message_ids(ids)
        await until(lambda: set(message_ids(sink)) >= expected, timeout, "every email delivered")
        await until(outbox_empty(redis), timeout, "every email settled")
        running = second.running()
    finally:
        first.stop()
        second.stop()
    return KillOutcome(ids, expected, message_ids(sink), received_before_restart, cut_in_data,
                       logs, running)
