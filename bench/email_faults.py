"""Emails under faults: a worker SIGKILLed at each SMTP stage, and Redis restarted.

    .venv/bin/python bench/email_faults.py [--registrations 10] [--resume-registrations 20]

Starts its own Redis (append-only) and staged SMTP sink on free loopback ports in a
temporary folder; workers run as ``python -m workers run`` processes. No Meilisearch is
needed: registrations are stored directly (as the registration service stores them) for
a visit built here.

1. For each stage (connected with EHLO unanswered, MAIL unanswered, body in flight,
   final dot sent with the reply withheld): queue the two emails of each of
   ``--registrations`` registrations, hold every SMTP session at the stage, SIGKILL the
   worker, start another, and count the emails sent (owed), delivered (distinct
   Message-IDs received) and duplicates (messages beyond one per Message-ID). SMTP
   timeouts are shortened (0.5 s, DATA reply 3 s; housekeeping jobs 10 s) so that arq's
   in-progress timeout, after which a killed worker's jobs run again, is about 20 s
   instead of 743 s with the defaults; ``seconds`` is the whole round, that wait included.
2. With a worker running, SIGKILL Redis, wait until the worker says Redis is lost,
   start Redis again on the same port, queue ``--resume-registrations`` registrations'
   emails at once, and time from Redis answering again to the first and the last of
   them received. The worker process is the same throughout.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import tempfile
import time
from pathlib import Path

from arq.connections import RedisSettings, create_pool
from redis.asyncio import Redis

from core.settings import Settings
from devstack.email_rig import (
    STAGES,
    OwnRedis,
    expected_message_ids,
    kill_worker_at,
    message_ids,
    register,
    sample_visit,
    until,
    worker_process,
)
from devstack.processes import free_port
from devstack.staged_mailsink import StagedMailSink


def bench_settings(redis_url: str, smtp_port: int) -> Settings:
    return Settings.from_env({
        "MEILI_URL": "http://127.0.0.1:9",  # not read by email jobs
        "MEILI_MASTER_KEY": "bench-master-key-0000",
        "REDIS_URL": redis_url,
        "SECRET_KEY": "bench-secret-key-" + "x" * 32,
        "SMTP_PORT": str(smtp_port),
        "SMTP_TIMEOUT_SECONDS": "0.5",
        "SMTP_DATA_TIMEOUT_SECONDS": "3",
        "EMAIL_RETRY_BASE_SECONDS": "0.2",
        "EMAIL_RETRY_MAX_SECONDS": "1",
        "WORKER_JOB_TIMEOUT_SECONDS": "10",  # housekeeping jobs: arq's in-progress timeout
    })


async def kills(folder: Path, registrations: int) -> None:
    print(f"worker SIGKILLed at each SMTP stage ({registrations} registrations, "
          f"{2 * registrations} emails each)")
    print(f"{'stage':<10} {'sent':>5} {'delivered':>10} {'duplicates':>11} {'seconds':>8}")
    visit = sample_visit(int(time.time()) + 10 * 86_400)
    for stage in STAGES:
        own_redis = OwnRedis.start(folder / stage)
        sink = StagedMailSink(free_port()).start()
        redis = Redis.from_url(own_redis.url)
        queue = await create_pool(RedisSettings.from_dsn(own_redis.url))
        try:
            started = time.monotonic()
            outcome = await kill_worker_at(stage, bench_settings(own_redis.url, sink.port),
                                           own_redis, sink, redis, queue, visit,
                                           registrations, folder, timeout=180)
            took = time.monotonic() - started
            print(f"{stage:<10} {len(outcome.expected):>5} {outcome.delivered:>10} "
                  f"{outcome.duplicates:>11} {took:>8.1f}", flush=True)
        finally:
            await redis.aclose()
            await queue.aclose()
            sink.release()
            sink.stop()
            own_redis.stop()


async def redis_restart(folder: Path, registrations: int) -> None:
    own_redis = OwnRedis.start(folder / "restart")
    sink = StagedMailSink(free_port()).start()
    settings = bench_settings(own_redis.url, sink.port)
    visit = sample_visit(int(time.time()) + 10 * 86_400)
    log = folder / "restart-worker.log"
    worker = worker_process(settings, log).start()
    try:
        redis = Redis.from_url(own_redis.url)
        queue = await create_pool(RedisSettings.from_dsn(own_redis.url))
        warm = await register(settings, redis, queue, visit, 2)
        await until(lambda: set(message_ids(sink)) >= expected_message_ids(warm), 60, "warm-up")
        await redis.aclose()
        await queue.aclose()
        own_redis.signal(signal.SIGKILL)
        await until(lambda: "Redis lost" in log.read_text(), 30, "the worker noticing")
        own_redis.restart()
        back = time.monotonic()
        redis = Redis.from_url(own_redis.url)
        queue = await create_pool(RedisSettings.from_dsn(own_redis.url))
        try:
            ids = await register(settings, redis, queue, visit, registrations)
        finally:
            await redis.aclose()
            await queue.aclose()
        expected = expected_message_ids(ids)
        await until(lambda: bool(set(message_ids(sink)) & expected), 60, "the first email")
        first = time.monotonic() - back
        await until(lambda: set(message_ids(sink)) >= expected, 120, "every email")
        last = time.monotonic() - back
        same_process = worker.running()
    finally:
        worker.stop()
        sink.stop()
        own_redis.stop()
    print(f"\nRedis SIGKILLed and restarted under a running worker "
          f"({2 * registrations} emails queued right after)")
    print(f"  first email {first:.2f} s, all {last:.2f} s after Redis answered again; "
          f"worker process kept running: {same_process}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registrations", type=int, default=10)
    parser.add_argument("--resume-registrations", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="email-faults-") as folder:
        asyncio.run(kills(Path(folder), args.registrations))
        asyncio.run(redis_restart(Path(folder), args.resume_registrations))


if __name__ == "__main__":
    main()
