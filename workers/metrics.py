"""The worker's Prometheus metrics, served on their own port (``WORKER_METRICS_PORT``).

* ``studyvisits_emails_total{kind,outcome}``: email job runs; ``kind`` is the job name,
  ``outcome`` one of ``sent``, ``skipped`` (nothing owed any more, or already sent),
  ``retry`` (a transient failure, tried again later), ``failed``, ``uncertain``, ``error``.
* ``studyvisits_email_enqueue_to_sent_seconds``: from the job's first enqueueing to the
  server's acceptance, retries included.
* ``studyvisits_queue_depth``, ``studyvisits_outbox_length``: read from Redis at scrape time
  (``studyvisits_worker_redis_up`` says whether that read worked).
* ``studyvisits_cron_runs_total{job,outcome}``: ``ok`` or ``error``.

Labels come from job names and fixed outcomes only: never an id or an address.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, cast

from arq import Retry
from arq.constants import default_queue_name
from arq.typing import WorkerCoroutine
from prometheus_client import REGISTRY, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from redis.exceptions import RedisError

from core.redis_clients import sync_redis_client
from core.settings import Settings
from core.visits import keys

log = logging.getLogger(__name__)

EMAILS = Counter("studyvisits_emails_total", "Email job runs by job and outcome.",
                 ["kind", "outcome"])
EMAIL_ENQUEUE_TO_SENT_SECONDS = Histogram(
    "studyvisits_email_enqueue_to_sent_seconds",
    "Time from an email job's first enqueueing to the server accepting the message.",
    buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 12 * 3600, 48 * 3600))
MARKERS_UNCONFIRMED = Counter(
    "studyvisits_email_markers_unconfirmed_total",
    "Sent emails whose 'sent' marker no replica confirmed within the claim's lease: a "
    "failover before the replicas catch up would send them again (same Message-ID).",
    ["kind"])
CRON_RUNS = Counter("studyvisits_cron_runs_total", "Cron job runs by job and outcome.",
                    ["job", "outcome"])



def email_outcome(status: str) -> str:
    """The outcome label of an email job's returned status (see ``workers.delivery``)."""
    word = status.split(":", 1)[0].split(" ", 1)[0]
    return word if word in ("sent", "failed", "uncertain") else "skipped"


def counted_email(kind: str, job: Callable[..., Awaitable[str]]) -> WorkerCoroutine:
    """``job`` with each run counted by outcome, and the time to a sent message observed."""

    @functools.wraps(job)
    async def run(ctx: dict[str, Any], *args: Any, **kwargs: Any) -> str:
        try:
            status = await job(ctx, *args, **kwargs)
        except Retry:
            EMAILS.labels(kind, "retry").inc()
            raise
        except Exception:
            EMAILS.labels(kind, "error").inc()
            raise
        outcome = email_outcome(status)
        EMAILS.labels(kind, outcome).inc()
        enqueued = ctx.get("enqueue_time")
        if outcome == "sent" and isinstance(enqueued, datetime.datetime):
            waited = datetime.datetime.now(datetime.UTC) - enqueued
            EMAIL_ENQUEUE_TO_SENT_SECONDS.observe(max(0.0, waited.total_seconds()))
        return status

    return cast(WorkerCoroutine, run)


def counted_cron(job: Callable[..., Awaitable[Any]]) -> WorkerCoroutine:
    """``job`` with each run counted as ``ok`` or ``error`` under its function name."""
    name = job.__name__

    @functools.wraps(job)
    async def run(ctx: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        try:
            result = await job(ctx, *args, **kwargs)
        except Exception:
            CRON_RUNS.labels(name, "error").inc()
            raise
        CRON_RUNS.labels(name, "ok").inc()
        return result

    return cast(WorkerCoroutine, run)


class QueueGauges(Collector):
    """The arq queue's depth and the outbox's length, read when scraped (1 s deadline)."""

    def __init__(self, settings: Settings) -> None:
        self.redis = sync_redis_client(settings, timeout=1)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("studyvisits_worker_redis_up",
                               "Whether the worker's metrics could read Redis (1) or not (0).")
        try:
            depth = int(cast(int, self.redis.zcard(default_queue_name)))
            outbox = int(cast(int, self.redis.zcard(keys.OUTBOX)))
        except RedisError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily("studyvisits_queue_depth", "Jobs waiting in the arq queue.",
                                value=depth)
        yield GaugeMetricFamily("studyvisits_outbox_length",
                                "Emails owed and not yet settled (the outbox).", value=outbox)


def start_metrics_server(ctx: dict[str, Any], settings: Settings) -> None:
    """Serve the metrics on ``WORKER_METRICS_HOST:WORKER_METRICS_PORT`` (0: not at all)."""
    if settings.worker_metrics_port == 0:
        return
    try:
        server, thread = start_http_server(settings.worker_metrics_port,
                                           settings.worker_metrics_host)
    except OSError as exc:  # metrics are no reason to stop sending e-mail
        log.warning("metrics not served: port %d is taken (%s)", settings.worker_metrics_port,
                    type(exc).__name__)
        return
    gauges = QueueGauges(settings)
    REGISTRY.register(gauges)
    ctx["metrics_server"] = (server, thread, gauges)
    log.info("metrics on %s:%d/metrics", settings.worker_metrics_host,
             settings.worker_metrics_port)


def stop_metrics_server(ctx: dict[str, Any]) -> None:
    served = ctx.pop("metrics_server", None)
    if served is None:
        return
    server, thread, gauges = served
    server.shutdown()
    server.server_close()
    thread.join(5)
    REGISTRY.unregister(gauges)
    gauges.redis.close()
