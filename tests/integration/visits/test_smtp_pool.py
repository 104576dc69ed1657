"""Pooled SMTP connections against a real aiosmtpd sink: reused across emails, replaced
when the server went away, and a sink stopped and restarted under a running worker
loses and doubles nothing."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from pathlib import Path

from arq.connections import ArqRedis
from redis.asyncio import Redis

from core.settings import Settings
from devstack.email_rig import (
    expected_message_ids,
    message_ids,
    outbox_empty,
    register,
    sample_visit,
    until,
    worker_process,
)
from devstack.mailsink import MailSink
from devstack.processes import free_port
from tests.integration.visits.conftest import VisitIndex, visit_settings
from tests.unit.test_emails import REGISTRATION
from workers.emails import MailKind, OutgoingMail, compose
from workers.mailer import Mailer, Outcome


def _mail(settings: Settings, number: int) -> OutgoingMail:
    registration = dataclasses.replace(REGISTRATION, id=f"pooled{number}")
    return compose(MailKind.PROVIDER_NOTIFICATION, "send_provider_notification",
                   registration, settings, 1)


async def test_one_connection_carries_emails_one_after_another(
    vsettings: Settings, smtp_sink: MailSink
) -> None:
    mailer = Mailer(vsettings)
    try:
        results = [await mailer.send(_mail(vsettings, n)) for n in range(5)]
        assert {r.outcome for r in results} == {Outcome.SENT}
        assert len(mailer.pool.idle) == 1
        first = mailer.pool.idle[0][0]
        assert (await mailer.send(_mail(vsettings, 5))).outcome is Outcome.SENT
        assert [smtp for smtp, _ in mailer.pool.idle] == [first]
        assert len(smtp_sink.messages) == 6
    finally:
        await mailer.close()


async def test_concurrent_emails_use_at_most_the_pool_size(
    visit_index: VisitIndex, redis_url: str, smtp_sink: MailSink
) -> None:
    settings = visit_settings(visit_index, redis_url, smtp_sink, SMTP_POOL_SIZE="3")
    smtp_sink.clear()
    mailer = Mailer(settings)
    try:
        results = await asyncio.gather(*(mailer.send(_mail(settings, n)) for n in range(12)))
        assert {r.outcome for r in results} == {Outcome.SENT}
        assert 1 <= len(mailer.pool.idle) <= 3
        assert len(smtp_sink.messages) == 12
    finally:
        await mailer.close()


async def test_a_connection_the_server_closed_is_replaced_before_the_message(
    visit_index: VisitIndex, redis_url: str
) -> None:
    port = free_port()
    sink = MailSink(port).start()
    settings = visit_settings(visit_index, redis_url, sink)
    mailer = Mailer(settings)
    try:
        assert (await mailer.send(_mail(settings, 0))).outcome is Outcome.SENT
        stale = mailer.pool.idle[0][0]
        sink.stop()
        sink = MailSink(port).start()
        assert (await mailer.send(_mail(settings, 1))).outcome is Outcome.SENT
        assert [smtp for smtp, _ in mailer.pool.idle] != [stale]
        assert len(sink.messages) == 1
    finally:
        await mailer.close()
        sink.stop()


async def test_sink_stopped_and_restarted_under_a_worker_loses_and_doubles_nothing(
    visit_index: VisitIndex, redis_url: str, redis: Redis, queue: ArqRedis, tmp_path: Path
) -> None:
    port = free_port()
    first = MailSink(port).start()
    settings = visit_settings(visit_index, redis_url, first, SMTP_POOL_SIZE="4",
                              SMTP_TIMEOUT_SECONDS="1", EMAIL_RETRY_BASE_SECONDS="0.3",
                              EMAIL_RETRY_MAX_SECONDS="1")
    visit = sample_visit(int(time.time()) + 10 * 86_400)
    worker = worker_process(settings, tmp_path / "worker.log").start()
    second: MailSink | None = None
    try:
        before = await register(settings, redis, queue, visit, 6)
        await until(lambda: set(message_ids(first)) >= expected_message_ids(before), 30,
                    "the first emails")
        first.stop()  # the worker's idle connections are cut
        during = await register(settings, redis, queue, visit, 6)
        await asyncio.sleep(1.5)  # the worker tries, fails to connect, schedules retries
        second = MailSink(port).start()
        after = await register(settings, redis, queue, visit, 6)
        expected = expected_message_ids(before + during + after)
        await until(lambda: set(message_ids(first) + message_ids(second)) >= expected, 45,
                    "every email")
        await until(outbox_empty(redis), 30, "every email settled")
        assert worker.running()
    finally:
        worker.stop()
        first.stop()
        if second is not None:
            second.stop()
    assert second is not None
    counts = message_ids(first) + message_ids(second)
    assert set(counts) == expected and set(counts.values()) == {1}, counts
    assert len(message_ids(second)) >= 12  # what was owed while it was down, and after


