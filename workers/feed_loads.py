"""The feed API's load job: index one uploaded feed with the indexer's own loader.

The job takes the load id only; the feed waits in Redis (``core.feeds.loads``). It is
written to a temporary file and loaded with :meth:`indexer.loader.CourseIndexer.load`,
built exactly as the indexer CLI builds it (:func:`indexer.cli.make_indexer`: the
Meilisearch master key to write, the search-index version bumped after every write), so
an uploaded feed is treated as ``python -m indexer load FEED`` treats it: the provider's
full catalogue, its missing courses withdrawn, other providers untouched. One load per
provider runs at a time (a Redis lock), since two interleaved loads of one provider would
each withdraw the other's courses, and a load is skipped (recorded ``failed``, saying so)
when a newer feed of the provider is already queued, running or done: whichever order
the queue runs them in, the newest catalogue is the one left in the index. Afterwards
the worker reconciles registrations with the index, as after a CLI load.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import tempfile
from pathlib import Path
from typing import Any

from arq import Retry
from arq.connections import ArqRedis
from arq.worker import Function, func

from core.feeds import keys
from core.feeds.loads import (
    EXPIRED,
    FEED_LOAD_JOB,
    SUPERSEDED,
    LoadOutcome,
    LoadRecord,
    LoadState,
    LoadStore,
)
from core.redis_clients import sync_redis_client
from core.settings import Settings
from core.visits.awaiting import result
from core.visits.dispatch import RECONCILE_JOB
from indexer.cli import make_indexer
from indexer.loader import LoadSummary

logger = logging.getLogger("workers.feed_loads")

FEED_LOAD_TRIES = 3
RETRY_BASE_SECONDS = 30.0
LOCK_RETRY_SECONDS = 5.0
LOCK_WAIT_TRIES = 60  # waiting for another load of the provider: up to 5 minutes
LOCK_TIMEOUT_FACTOR = 2  # the lock outlives a timed-out job's thread by a job timeout
FAILED = "indexing failed after several attempts; upload the feed again later"

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _index(settings: Settings, load_id: str, body: bytes) -> LoadSummary:
    """The CLI's load of one feed file (blocking: run in a thread)."""
    redis = sync_redis_client(settings, timeout=5)
    try:
        with tempfile.TemporaryDirectory(prefix="feed-load-") as folder:
            path = Path(folder) / f"{load_id}.json"
            path.write_bytes(body)
            return make_indexer(settings, quiet=True, redis=redis).load([path])
    finally:
        redis.close()


async def _superseded(loads: LoadStore, record: LoadRecord) -> bool:
    """Record the load as failed when a newer feed of the provider is not failed.

    The feed is the full catalogue: indexing it after a newer one would bring back what
    the newer one withdrew, and indexing it before a queued newer one is wasted work.
    """
    newer = [r for r in await loads.newer_than(record.organisation_number, record.load_id)
             if r.state is not LoadState.FAILED]
    if newer:
        await loads.mark_failed(record.load_id, SUPERSEDED.format(newer[0].load_id))
    return bool(newer)


async def load_provider_feed(ctx: dict[str, Any], load_id: str) -> str:
    """Index the uploaded feed of ``load_id`` and record the outcome on its load record."""
    settings: Settings = ctx["settings"]
    redis: ArqRedis = ctx["redis"]
    job_try = int(ctx.get("job_try", 1))
    loads = LoadStore(redis)
    record = await loads.get(load_id)
    if record is None or record.state in (LoadState.DONE, LoadState.FAILED):
        return f"nothing to do ({'unknown' if record is None else record.state.value})"
    body = await loads.body(load_id)
    if body is None:
        await loads.mark_failed(load_id, EXPIRED)
        return "failed: body expired"
    if await _superseded(loads, record):
        return "superseded"
    lock_key, token = keys.lock(record.organisation_number), secrets.token_hex(8)
    lock_ms = int(settings.worker_job_timeout_seconds * 1000 * LOCK_TIMEOUT_FACTOR)
    if not await redis.set(lock_key, token, nx=True, px=lock_ms):
        if job_try < LOCK_WAIT_TRIES:
            raise Retry(defer=LOCK_RETRY_SECONDS)
        await loads.mark_failed(load_id, FAILED)
        return "failed: another load of the provider held the lock"
    timed_out = False
    try:
        if await _superseded(loads, record):  # again: a newer one may have run meanwhile
            return "superseded"
        await loads.mark_running(load_id)
        summary = await asyncio.to_thread(_index, settings, load_id, body)
    except asyncio.CancelledError:
        # The job's timeout (or the worker stopping): the thread may still be writing, so
        # the lock stays until it expires; a run that never ends reads as failed later.
        timed_out = True
        raise
    except Exception as exc:  # Meilisearch or Redis failing: retried, then recorded
        failures = await loads.mark_retrying(load_id)
        logger.warning("feed load %s: attempt %d failed: %s", load_id, failures,
                       type(exc).__name__)
        if failures < FEED_LOAD_TRIES:
            raise Retry(defer=RETRY_BASE_SECONDS * failures) from exc
        await loads.mark_failed(load_id, FAILED)
        return f"failed: {type(exc).__name__}"
    finally:
        if not timed_out:
            await result(redis.eval(_RELEASE, 1, lock_key, token))
    await loads.mark_done(load_id, LoadOutcome(summary.indexed, summary.removed,
                                               summary.seconds))
    await redis.enqueue_job(RECONCILE_JOB, _job_id=f"{RECONCILE_JOB}:{load_id}")
    return f"done: {summary.describe()}"


def feed_load_function(settings: Settings) -> Function:
    """The job as the worker registers it (tries cover waiting for the provider's lock)."""
    return func(load_provider_feed, name=FEED_LOAD_JOB, max_tries=FEED_LOAD_TRIES +
                LOCK_WAIT_TRIES, timeout=settings.worker_job_timeout_seconds)
