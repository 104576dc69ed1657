"""The arq worker's settings: ``python -m workers run`` (see :mod:`workers.supervisor`)
runs it; ``arq workers.settings.WorkerSettings`` still works, but exits when Redis goes.

``WorkerSettings`` is built on first access from :meth:`Settings.from_env` (once per
process): arq needs the Redis address before any start-up hook runs, so the settings
cannot wait for ``on_startup``. Tests and benchmarks call :func:`worker_settings` with
settings of their own. ``on_startup`` opens the clients and keeps them in ``ctx``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from arq import cron
from arq.worker import func

from core.durability import aof_wait, check_server
from core.logs import configure_logging
from core.meili_client import meili_http_client
from core.redis_clients import arq_redis_settings
from core.settings import Settings
from core.visits.formatting import TIMEZONE
from core.visits.my_registrations import LINK_JOB
from core.visits.provider_links import LINK_JOB as PROVIDER_LINK_JOB
from core.visits.store import RegistrationStore
from core.visits.waitlist import Waitlist
from workers.closing_jobs import CLOSING_EMAIL_JOBS, sweep_unanswered
from workers.disk_erasure import erase_personal_data_from_disk
from workers.feed_loads import feed_load_function
from workers.jobs import EMAIL_JOBS
from workers.mailer import Mailer
from workers.maintenance import (
    purge_expired,
    reconcile_study_visits,
    redispatch_outbox,
    schedule_missing_reminders,
    send_due_reminders,
)
from workers.markers import Markers
from workers.metrics import (
    counted_cron,
    counted_email,
    start_metrics_server,
    stop_metrics_server,
)
from workers.my_link import MAX_TRIES as MY_LINK_TRIES
from workers.my_link import send_my_registrations_link, send_provider_link
from workers.retry_policy import email_job_timeout_seconds
from workers.waitlist_jobs import sweep_waitlists

MAINTENANCE_TRIES = 3
# The retry horizon (EMAIL_RETRY_HORIZON_HOURS) ends an email's retries, not a count.
EMAIL_TRIES_UNBOUNDED = 100_000
KEEP_RESULT_SECONDS = 3600
# How often arq looks for new jobs when it has taken every job it saw (arq's default is
# 0.5 s): an email queued in between waits for it, so it bounds the email's latency.
POLL_DELAY_SECONDS = 0.05
MAX_JOBS = 20


async def startup(ctx: dict[str, Any]) -> None:
    """Clients for the jobs; ``ctx["redis"]`` is arq's own pool (a redis.asyncio client)."""
    settings: Settings = ctx["settings"]
    await check_server(settings, unreachable_ok=True)
    if settings.log_format == "json":  # else arq's own plain lines stay
        configure_logging(settings.log_format)
    ctx["meili"] = meili_http_client(settings)
    ctx["store"] = RegistrationStore(ctx["redis"])
    ctx["markers"] = Markers(ctx["redis"], aof_wait(settings))
    ctx["waitlist"] = Waitlist(ctx["store"], settings)
    ctx["mailer"] = Mailer(settings)
    start_metrics_server(ctx, settings)


async def shutdown(ctx: dict[str, Any]) -> None:
    stop_metrics_server(ctx)
    mailer = ctx.get("mailer")
    if mailer is not None:
        await mailer.close()
    meili = ctx.get("meili")
    if meili is not None:
        await meili.aclose()


def worker_settings(settings: Settings) -> type:
    """The arq settings class for these settings (see arq's ``Worker`` arguments)."""
    timeout = settings.worker_job_timeout_seconds
    emails = [
        func(counted_email(name.value, job), name=name.value, max_tries=EMAIL_TRIES_UNBOUNDED,
             timeout=email_job_timeout_seconds(settings))
        for name, job in {**EMAIL_JOBS, **CLOSING_EMAIL_JOBS}.items()
    ]
    housekeeping = [
        func(job, name=job.__name__, max_tries=MAINTENANCE_TRIES, timeout=timeout, keep_result=0)
        for job in (reconcile_study_visits, purge_expired, send_due_reminders,
                    schedule_missing_reminders, redispatch_outbox, sweep_unanswered,
                    sweep_waitlists)
    ]

    def scheduled(job: Any, **when: Any) -> Any:
        return cron(counted_cron(job), name=f"cron:{job.__name__}", timeout=timeout,
                    max_tries=1, **when)

    crons = [
        scheduled(redispatch_outbox, second=30),
        scheduled(reconcile_study_visits, minute=set(range(3, 60, 10)), second=0),
        scheduled(purge_expired, minute=17, second=0, run_at_startup=True),
        scheduled(send_due_reminders, second=15),
        scheduled(schedule_missing_reminders, minute=47, second=0, run_at_startup=True),
        scheduled(erase_personal_data_from_disk, minute=set(range(7, 60, 10)), second=0),
        scheduled(sweep_unanswered, second=45),
        scheduled(sweep_waitlists, second=15),
    ]
    attributes: dict[str, Any] = {
        "__doc__": "arq settings of the study-visit worker.",
        "functions": [*emails, *housekeeping, feed_load_function(settings),
                      # jobseeker self-service: the "my study visits" link
                      *(func(job, name=name, max_tries=MY_LINK_TRIES,
                             timeout=email_job_timeout_seconds(settings), keep_result=0)
                        for name, job in ((LINK_JOB, send_my_registrations_link),
                                          (PROVIDER_LINK_JOB, send_provider_link)))],
        "cron_jobs": crons,
        "redis_settings": arq_redis_settings(settings),
        "on_startup": startup,
        "on_shutdown": shutdown,
        "ctx": {"settings": settings},
        "job_timeout": timeout,
        "keep_result": KEEP_RESULT_SECONDS,
        "max_jobs": MAX_JOBS,
        "queue_read_limit": 2 * MAX_JOBS,  # a poll reads past the jobs already running
        "poll_delay": POLL_DELAY_SECONDS,
        "timezone": TIMEZONE,
        "health_check_interval": 60,
    }
    return type("WorkerSettings", (), attributes)


@cache
def _from_environment() -> type:
    return worker_settings(Settings.from_env())


def __getattr__(name: str) -> type:
    if name == "WorkerSettings":
        return _from_environment()
    raise AttributeError(name)
