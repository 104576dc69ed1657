"""The floor under the e-mail worker: what one arq worker process does with jobs that do
nothing, against the same Redis, with the worker's own arq settings.

    .venv/bin/python bench/arq_floor.py [--jobs 5000] [--rounds 2]

Starts its own Redis (append-only, fsync always, as in production) on a free loopback
port in a temporary folder, queues ``--jobs`` jobs of a coroutine that returns at once
(each with its own ``_job_id``, as the e-mail jobs have), then runs one arq ``Worker`` in
burst mode in this process with the study-visit worker's ``max_jobs``, ``poll_delay``,
``queue_read_limit`` and result keeping. It prints jobs per second and the CPU time per
job of this process (the worker) and of Redis.

Every e-mail the worker sends is one such job plus the e-mail's own work (loading the
registration, the delivery markers, composing, SMTP), so jobs/s here bounds the worker's
e-mails/s from above; ``bench/email_throughput.py`` compares the worker with a plain
SMTP loop.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from arq.connections import RedisSettings, create_pool
from arq.worker import Worker

from devstack.email_rig import OwnRedis
from workers.settings import KEEP_RESULT_SECONDS, MAX_JOBS, POLL_DELAY_SECONDS

sys.path.insert(0, str(Path(__file__).resolve().parent))
from procstat import cpu_seconds


async def nothing(ctx: dict[str, Any], registration_id: str) -> str:
    return "sent"


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def one_round(redis: OwnRedis, jobs: int) -> tuple[float, float, float]:
    """(jobs/s, worker CPU ms per job, Redis CPU ms per job) of one burst."""
    settings = RedisSettings(host="127.0.0.1", port=redis.port)
    pool = await create_pool(settings)
    await pool.flushdb()
    for start in range(0, jobs, 500):
        await asyncio.gather(*(pool.enqueue_job("nothing", f"r{i}", _job_id=f"nothing:r{i}")
                               for i in range(start, min(jobs, start + 500))))
    await pool.aclose()
    worker = Worker(functions=[nothing], redis_settings=settings, burst=True,
                    handle_signals=False, max_jobs=MAX_JOBS, poll_delay=POLL_DELAY_SECONDS,
                    queue_read_limit=2 * MAX_JOBS, keep_result=KEEP_RESULT_SECONDS)
    assert redis.process.process is not None
    redis_pid = redis.process.process.pid
    cpu, redis_cpu, began = own_cpu(), cpu_seconds([redis_pid]), time.perf_counter()
    await worker.async_run()
    seconds = time.perf_counter() - began
    cpu, redis_cpu = own_cpu() - cpu, cpu_seconds([redis_pid]) - redis_cpu
    await worker.close()
    assert worker.jobs_complete == jobs, (worker.jobs_complete, jobs)
    return jobs / seconds, 1000 * cpu / jobs, 1000 * redis_cpu / jobs


async def main(jobs: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="arq-floor-") as folder:
        redis = OwnRedis.start(Path(folder))
        try:
            print(f"{'round':>5} {'jobs/s':>8} {'worker CPU ms/job':>18} {'Redis CPU ms/job':>17}")
            for number in range(1, rounds + 1):
                rate, worker_ms, redis_ms = await one_round(redis, jobs)
                print(f"{number:>5} {rate:>8.0f} {worker_ms:>18.2f} {redis_ms:>17.2f}")
        finally:
            redis.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=2)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.jobs, arguments.rounds))
