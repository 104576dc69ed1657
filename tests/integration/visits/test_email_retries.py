"""Retries over a horizon, visible final failures, the operator's resend, and the outbox
cron: a real arq worker, a real Redis and real SMTP sinks."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

from arq.connections import ArqRedis
from arq.constants import job_key_prefix
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import keys
from core.visits.awaiting import result
from core.visits.dispatch import Job, job_id
from devstack.email_rig import ROOT, expected_message_ids, message_ids, register, worker_env
from devstack.mailsink import MailSink
from devstack.processes import free_port
from tests.integration.visits.conftest import (
    VisitIndex,
    indexed_visit,
    visit_settings,
    wait_for,
)
from tests.live_app import make_worker, run_worker
from workers.maintenance import redispatch_outbox


def workers_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "workers", *args], env=worker_env(settings),
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)


async def _markers(redis: Redis, registration_id: str) -> dict[str, str]:
    fields = await result(redis.hgetall(keys.registration(registration_id)))
    return {k.decode(): v.decode() for k, v in fields.items() if k.decode().startswith("mail:")}


async def test_an_smtp_outage_shorter_than_the_horizon_loses_no_email(
    visit_index: VisitIndex, redis_url: str, smtp_sink: MailSink, redis: Redis, queue: ArqRedis
) -> None:
    port = free_port()  # nothing listens there until the outage ends
    settings = visit_settings(visit_index, redis_url, smtp_sink, SMTP_PORT=str(port),
                              EMAIL_RETRY_HORIZON_HOURS="0.02")
    visit = await indexed_visit(settings, visit_index.roomy)
    ids = await register(settings, redis, queue, visit, 5)
    worker = make_worker(settings)
    running = asyncio.create_task(worker.async_run())
    sink: MailSink | None = None
    try:
        # 10 emails, each refused again and again: more tries than a handful with backoff
        await wait_for(lambda: worker.jobs_retried >= 40, 30)
        sink = MailSink(port).start()
        await asyncio.wait_for(running, 60)
        assert worker.jobs_failed == 0
        counts = message_ids(sink)
        assert set(counts) == expected_message_ids(ids) and set(counts.values()) == {1}
        for registration_id in ids:
            assert all(v.startswith("sent:")
                       for v in (await _markers(redis, registration_id)).values())
    finally:
        await worker.close()
        if sink is not None:
            sink.stop()


async def test_past_the_horizon_an_email_fails_visibly_and_resend_delivers_it(
    visit_index: VisitIndex, redis_url: str, smtp_sink: MailSink, redis: Redis, queue: ArqRedis
) -> None:
    port = free_port()
    settings = visit_settings(visit_index, redis_url, smtp_sink, SMTP_PORT=str(port),
                              EMAIL_RETRY_HORIZON_HOURS="0.001")  # 3.6 s
    visit = await indexed_visit(settings, visit_index.roomy)
    (registration_id,) = await register(settings, redis, queue, visit, 1)
    started = time.monotonic()
    worker = await run_worker(settings)  # runs until every job has ended
    assert time.monotonic() - started >= 3.6 * 0.9  # tried until the horizon …
    assert worker.jobs_retried >= 4
    markers = await _markers(redis, registration_id)
    gave_up = "gave up after 0.001 h: connect: SMTPConnectError"
    assert set(markers.values()) == {f"failed:{gave_up}"}
    listed = workers_cli(settings, "emails", "--failed")
    assert listed.returncode == 0, listed.stderr
    lines = sorted(listed.stdout.splitlines())
    assert lines == sorted(f"{job.value}:{registration_id}\tfailed\t{gave_up}"
                           for job in (Job.PROVIDER_NOTIFICATION, Job.JOBSEEKER_RECEIPT))
    sink = MailSink(port).start()  # the cause is fixed
    try:
        for line in lines:
            resent = workers_cli(settings, "emails", "--resend", line.split("\t")[0])
            assert resent.returncode == 0, resent.stderr
        await run_worker(settings)
        counts = message_ids(sink)
        assert set(counts) == expected_message_ids([registration_id])
        assert set(counts.values()) == {1}
    finally:
        sink.stop()
    assert workers_cli(settings, "emails", "--failed").stdout == ""
    assert all(v.startswith("sent:") for v in (await _markers(redis, registration_id)).values())


async def test_a_permanent_refusal_is_listed_and_resent_once_the_cause_is_fixed(
    vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink, redis: Redis,
    queue: ArqRedis
) -> None:
    visit = await indexed_visit(vsettings, visit_index.roomy)
    (registration_id,) = await register(vsettings, redis, queue, visit, 1)
    smtp_sink.reply_next("550 5.1.1 mailbox unavailable")
    worker = await run_worker(vsettings, max_jobs=1)
    assert worker.jobs_retried == 0 and len(smtp_sink.messages) == 1
    listed = workers_cli(vsettings, "emails", "--failed")
    assert listed.returncode == 0, listed.stderr
    (line,) = listed.stdout.splitlines()
    email_id, state, detail = line.split("\t")
    assert (state, detail) == ("failed", "data: smtp 550")
    job_name, _, listed_registration = email_id.partition(":")
    assert listed_registration == registration_id
    assert "@" not in listed.stdout and "Person" not in listed.stdout
    other = next(j.value for j in (Job.PROVIDER_NOTIFICATION, Job.JOBSEEKER_RECEIPT)
                 if j.value != job_name)
    refused = workers_cli(vsettings, "emails", "--resend", f"{other}:{registration_id}")
    assert refused.returncode == 2 and "it is sent" in refused.stderr
    malformed = workers_cli(vsettings, "emails", "--resend", "no-such-job:x")
    assert malformed.returncode == 2 and "not an email id" in malformed.stderr
    resent = workers_cli(vsettings, "emails", "--resend", email_id)
    assert resent.returncode == 0, resent.stderr
    await run_worker(vsettings)
    counts = message_ids(smtp_sink)
    assert set(counts) == expected_message_ids([registration_id])
    assert set(counts.values()) == {1}
    assert workers_cli(vsettings, "emails", "--failed").stdout == ""
    assert await redis.zcard(keys.OUTBOX) == 0


async def test_an_email_an_older_version_left_committing_is_listed_and_can_be_resent(
    vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink, redis: Redis,
    queue: ArqRedis
) -> None:
    """The old worker marked ``committing:{attempt}`` before the body and, killed then,
    left it so for good, with no job and no outbox entry: the operator must see it."""
    visit = await indexed_visit(vsettings, visit_index.roomy)
    (registration_id,) = await register(vsettings, redis, queue, visit, 1)
    await run_worker(vsettings)
    smtp_sink.clear()
    job = Job.PROVIDER_NOTIFICATION.value
    await result(redis.hset(keys.registration(registration_id), f"mail:{job}",
                            "committing:0123456789abcdef"))
    listed = workers_cli(vsettings, "emails", "--failed")
    assert listed.stdout == (f"{job}:{registration_id}\tuncertain\t"
                             "no outcome recorded (marker of an older version)\n")
    resent = workers_cli(vsettings, "emails", "--resend", f"{job}:{registration_id}")
    assert resent.returncode == 0, resent.stderr
    await run_worker(vsettings)
    assert [str(m.message["Message-ID"]).strip() for m in smtp_sink.messages] == [
        f"<{job}.{registration_id}@studiebesok.localhost>"]
    assert workers_cli(vsettings, "emails", "--failed").stdout == ""


async def test_the_outbox_cron_requeues_a_lost_job_behind_hundreds_of_live_ones(
    queue: ArqRedis
) -> None:
    owed_since = int(time.time()) - 3600
    live = [f"live{i}" for i in range(600)]
    for offset, registration_id in enumerate(live):
        await queue.zadd(keys.OUTBOX, {f"{Job.DECISION.value}:{registration_id}":
                                       owed_since + offset})
        await queue.enqueue_job(Job.DECISION.value, registration_id,
                                _job_id=job_id(Job.DECISION, registration_id))
    # owed later than the live ones, and its job was lost (a Redis restart, say)
    await queue.zadd(keys.OUTBOX, {f"{Job.DECISION.value}:lost": owed_since + 1000})
    await redispatch_outbox({"redis": queue})
    assert await queue.exists(job_key_prefix + job_id(Job.DECISION, "lost"))


async def test_a_queued_email_job_outlives_the_longest_retry_horizon(
    vsettings: Settings, visit_index: VisitIndex, redis: Redis, queue: ArqRedis
) -> None:
    visit = await indexed_visit(vsettings, visit_index.roomy)
    (registration_id,) = await register(vsettings, redis, queue, visit, 1)
    ttl_ms = await queue.pttl(job_key_prefix + job_id(Job.PROVIDER_NOTIFICATION, registration_id))
    assert ttl_ms > 7 * 86_400 * 1000  # arq's default (a day) would drop a 48 h retry
