"""Email delivery under failure, with a real arq worker and a real SMTP sink."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import httpx
from arq.connections import ArqRedis
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import keys
from core.visits.dispatch import Job, job_id
from devstack.mailsink import MailSink
from devstack.processes import free_port
from tests.integration.visits.conftest import (
    VisitIndex,
    register,
    registration_input,
    visit_settings,
)
from tests.live_app import make_worker, run_worker, serve


async def _register_many(settings: Settings, visit_id: str, count: int) -> list[str]:
    with serve(settings) as base:
        async with httpx.AsyncClient(timeout=10) as client:
            payloads = [await register(client, base, registration_input(
                visit_id, f"person{i}@example.se", name=f"Person Nummer {i}"))
                for i in range(count)]
    ids = [p["registration"]["id"] for p in payloads]
    assert all(ids)
    return ids


async def _fields(redis: Redis, registration_id: str) -> dict[str, str]:
    raw = await redis.hgetall(keys.registration(registration_id))
    return {k.decode(): v.decode() for k, v in raw.items()}


def _message_ids(sink: MailSink) -> Counter[str]:
    return Counter(str(m.message["Message-ID"]).strip() for m in sink.messages)


def _expected_ids(registration_ids: list[str]) -> set[str]:
    jobs = (Job.PROVIDER_NOTIFICATION, Job.JOBSEEKER_RECEIPT)
    return {f"<{job.value}.{r}@studiebesok.localhost>" for r in registration_ids for job in jobs}


async def test_smtp_down_then_back_up_delivers_everything_once(
    visit_index: VisitIndex, redis_url: str, smtp_sink: MailSink, redis: Redis
) -> None:
    port = free_port()
    settings = visit_settings(visit_index, redis_url, smtp_sink, SMTP_PORT=str(port))
    ids = await _register_many(settings, visit_index.roomy, 3)
    worker = make_worker(settings)
    running = asyncio.create_task(worker.async_run())
    deadline = time.monotonic() + 10
    while worker.jobs_retried < 6 and time.monotonic() < deadline:  # every job failed once
        await asyncio.sleep(0.05)
    assert worker.jobs_retried >= 6
    sink = MailSink(port).start()  # SMTP is back
    try:
        await asyncio.wait_for(running, 30)
        await worker.close()
        assert worker.jobs_failed == 0
        counts = _message_ids(sink)
        assert set(counts) == _expected_ids(ids)
        assert set(counts.values()) == {1}
        for registration_id in ids:
            fields = await _fields(redis, registration_id)
            assert fields["mail:send_provider_notification"].startswith("sent:")
            assert not any(name.startswith("mailFailure:") for name in fields)
        assert await redis.zcard(keys.OUTBOX) == 0
    finally:
        sink.stop()


async def test_a_4xx_reply_is_retried_and_delivered(
    vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink
) -> None:
    ids = await _register_many(vsettings, visit_index.roomy, 1)
    smtp_sink.reply_next("451 4.3.0 try again later")
    worker = await run_worker(vsettings)
    assert worker.jobs_retried == 1 and worker.jobs_failed == 0
    assert set(_message_ids(smtp_sink)) == _expected_ids(ids)


async def test_a_550_reply_is_recorded_and_not_retried(
    vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink, redis: Redis, queue: ArqRedis
) -> None:
    (registration_id,) = await _register_many(vsettings, visit_index.roomy, 1)
    smtp_sink.reply_next("550 5.1.1 mailbox unavailable")
    worker = await run_worker(vsettings, max_jobs=1)
    assert worker.jobs_retried == 0
    assert len(smtp_sink.messages) == 1  # the other email of the two
    fields = await _fields(redis, registration_id)
    failures = {k: v for k, v in fields.items() if k.startswith("mailFailure:")}
    assert list(failures.values()) == ["data: smtp 550"]
    failed_job = next(iter(failures)).removeprefix("mailFailure:")
    assert fields[f"mail:{failed_job}"] == "failed:data: smtp 550"
    # Running the job again (as a redelivery would) sends nothing.
    await queue.enqueue_job(failed_job, registration_id, _job_id=f"again:{failed_job}")
    await run_worker(vsettings)
    assert len(smtp_sink.messages) == 1


async def test_a_job_run_again_sends_nothing_more(
    vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink, queue: ArqRedis
) -> None:
    (registration_id,) = await _register_many(vsettings, visit_index.roomy, 1)
    await run_worker(vsettings)
    assert len(smtp_sink.messages) == 2
    for job in (Job.PROVIDER_NOTIFICATION, Job.JOBSEEKER_RECEIPT):
        await queue.enqueue_job(job.value, registration_id, _job_id=f"again:{job.value}")
        # the original id is still taken (its result is kept): enqueuing is a no-op
        assert await queue.enqueue_job(job.value, registration_id,
                                       _job_id=job_id(job, registration_id)) is None
    await run_worker(vsettings)
    assert len(smtp_sink.messages) == 2
