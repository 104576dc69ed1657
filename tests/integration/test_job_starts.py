"""The worker's concurrent job starts (workers/job_starts.py) against a real Redis: each
job runs once across workers, up to ``max_jobs`` at a time, and a job running elsewhere
or not yet due is left alone."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.constants import in_progress_key_prefix
from arq.worker import func

from tests.conftest import RedisServer
from workers.job_starts import Worker


@pytest.fixture
async def pool(redis_server: RedisServer) -> AsyncIterator[ArqRedis]:
    arq_pool = await create_pool(RedisSettings.from_dsn(redis_server.url))
    try:
        yield arq_pool
    finally:
        await arq_pool.aclose()


class Runs:
    """What the test job saw: how often each job ran, and the most at once."""

    def __init__(self) -> None:
        self.count: Counter[str] = Counter()
        self.running = 0
        self.most = 0

    async def job(self, ctx: dict[str, Any], name: str) -> str:
        self.count[name] += 1
        self.running += 1
        self.most = max(self.most, self.running)
        await asyncio.sleep(0.02)
        self.running -= 1
        return name


def worker(redis_server: RedisServer, queue: str, runs: Runs, max_jobs: int) -> Worker:
    return Worker(functions=[func(runs.job, name="job")],
                  redis_settings=RedisSettings.from_dsn(redis_server.url), queue_name=queue,
                  burst=True, max_jobs=max_jobs, poll_delay=0.01, handle_signals=False,
                  keep_result=0)


async def test_two_workers_run_every_job_once_many_at_a_time(
        redis_server: RedisServer, pool: ArqRedis) -> None:
    queue = f"test-starts:{uuid.uuid4().hex}"
    names = [f"job{number}" for number in range(120)]
    for name in names:
        await pool.enqueue_job("job", name, _job_id=name, _queue_name=queue)
    runs = Runs()
    first, second = (worker(redis_server, queue, runs, max_jobs=10) for _ in range(2))
    try:
        await asyncio.gather(first.async_run(), second.async_run())
    finally:
        await asyncio.gather(first.close(), second.close())
    assert runs.count == Counter(names)  # every job, once
    assert 5 < runs.most <= 20  # many at once, each worker at most max_jobs
    assert first.jobs_complete + second.jobs_complete == len(names)
    assert first.job_counter == second.job_counter == 0


async def test_a_job_running_elsewhere_or_not_yet_due_is_not_started(
        redis_server: RedisServer, pool: ArqRedis) -> None:
    queue = f"test-starts:{uuid.uuid4().hex}"
    await pool.enqueue_job("job", "elsewhere", _job_id="elsewhere", _queue_name=queue)
    await pool.psetex(in_progress_key_prefix + "elsewhere", 60_000, b"1")
    await pool.enqueue_job("job", "later", _job_id="later", _queue_name=queue,
                           _defer_by=60)
    await pool.enqueue_job("job", "now", _job_id="now", _queue_name=queue)
    runs = Runs()
    only = worker(redis_server, queue, runs, max_jobs=5)
    running = asyncio.ensure_future(only.async_run())  # a burst would wait for the others
    try:
        for _ in range(500):
            if runs.count["now"] and not only.tasks:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)  # some 30 more polls, each finding the other two
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await only.close()
    assert runs.count == Counter({"now": 1})
    assert only.job_counter == 0  # the slots of the skipped claims were given back
    assert await pool.zscore(queue, "elsewhere") is not None  # still queued, untouched
    assert await pool.zscore(queue, "later") is not None
