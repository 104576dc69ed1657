"""Per-registration reminders with the real API, Redis, arq worker and SMTP sink: the
confirmation schedules the reminder (and promises only that), cancelling or erasing
removes it, and once due the minute cron sends it once."""

from __future__ import annotations

import time

import httpx
from arq.connections import ArqRedis
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import keys
from devstack.mailsink import MailSink
from tests.integration.visits.conftest import (
    VisitIndex,
    register,
    registration_input,
    visit_settings,
)
from tests.integration.visits.mail_helpers import links, text_of, to, token_of
from tests.live_app import run_worker, serve

PROVIDER = "olle@utbildning.example"


async def _confirmed(client: httpx.AsyncClient, base: str, settings: Settings, sink: MailSink,
                     visit_id: str, emails: list[str]) -> list[str]:
    """Register each address (in English) and confirm each with the provider's link."""
    ids = [(await register(client, base, registration_input(
        visit_id, email, language="EN")))["registration"]["id"] for email in emails]
    await run_worker(settings)
    for registration_id in ids:
        (notification,) = [m for m in to(sink.messages, PROVIDER)
                           if registration_id in str(m.message["Message-ID"])]
        confirm = links(notification.message)["/visits/decision#0"]
        answer = await client.post(f"{base}/visits/decision", data={"token": token_of(confirm)})
        assert answer.status_code == 200
    await run_worker(settings)
    return ids


async def test_a_confirmation_schedules_one_reminder_that_goes_once_when_due(
    visit_index: VisitIndex, vsettings: Settings, smtp_sink: MailSink, redis: Redis,
    queue: ArqRedis,
) -> None:
    emails = ["remind.me@example.se", "cancels@example.se", "erases@example.se"]
    with serve(vsettings) as base:
        async with httpx.AsyncClient(timeout=10) as client:
            kept, cancelled, erased = await _confirmed(
                client, base, vsettings, smtp_sink, visit_index.roomy, emails)
            start = int(await redis.hget(keys.registration(kept), "startTs") or 0)
            for registration_id in (kept, cancelled, erased):
                assert await redis.zscore(keys.REMINDERS, registration_id) == start - 24 * 3600
            confirmation = to(smtp_sink.messages, emails[0])[-1].message
            assert "You will get a reminder 24 hours before the visit." in text_of(confirmation)
            cancel = links(to(smtp_sink.messages, emails[1])[-1].message)["/visits/cancel"]
            erase = links(to(smtp_sink.messages, emails[2])[-1].message)["/visits/erase"]
            for path, url in (("cancel", cancel), ("erase", erase)):
                done = await client.post(f"{base}/visits/{path}", data={"token": token_of(url)})
                assert done.status_code == 200
    assert await redis.zrange(keys.REMINDERS, 0, -1) == [kept.encode()]

    await queue.enqueue_job("send_due_reminders", _job_id="reminders-not-yet")
    await run_worker(vsettings)
    smtp_sink.clear()
    # The due time arrives (moved instead of waiting a day); the cron runs twice.
    await redis.zadd(keys.REMINDERS, {kept: int(time.time()) - 1})
    for round_ in range(2):
        await queue.enqueue_job("send_due_reminders", _job_id=f"reminders-{round_}")
        await run_worker(vsettings)
    assert [m.recipients for m in smtp_sink.messages] == [(emails[0],)]
    assert str(smtp_sink.messages[0].message["Subject"]).startswith("Reminder: study visit")
    assert await redis.zcard(keys.REMINDERS) == 0
    assert await redis.zcard(keys.OUTBOX) == 0


async def test_a_visit_confirmed_within_the_lead_time_gets_no_reminder_and_no_promise(
    visit_index: VisitIndex, redis_url: str, smtp_sink: MailSink, redis: Redis,
) -> None:
    smtp_sink.clear()
    # Every visit of the test feed starts within 30 days: all are inside the lead time.
    settings = visit_settings(visit_index, redis_url, smtp_sink,
                              REMINDER_HOURS_BEFORE=str(30 * 24))
    with serve(settings) as base:
        async with httpx.AsyncClient(timeout=10) as client:
            (late,) = await _confirmed(client, base, settings, smtp_sink, visit_index.roomy,
                                       ["late.confirmed@example.se"])
    assert await redis.hget(keys.registration(late), "status") == b"CONFIRMED"
    assert await redis.zscore(keys.REMINDERS, late) is None
    confirmation = to(smtp_sink.messages, "late.confirmed@example.se")[-1].message
    assert str(confirmation["Subject"]).startswith("Confirmed")
    assert "reminder" not in text_of(confirmation).lower()


async def test_a_registration_confirmed_before_per_registration_reminders_gets_its_own(
    visit_index: VisitIndex, vsettings: Settings, smtp_sink: MailSink, redis: Redis,
    queue: ArqRedis,
) -> None:
    with serve(vsettings) as base:
        async with httpx.AsyncClient(timeout=10) as client:
            (older,) = await _confirmed(client, base, vsettings, smtp_sink, visit_index.roomy,
                                        ["confirmed.earlier@example.se"])
    due = await redis.zscore(keys.REMINDERS, older)
    await redis.zrem(keys.REMINDERS, older)  # as an older version left it
    await queue.enqueue_job("schedule_missing_reminders", _job_id="backfill-1")
    await run_worker(vsettings)
    assert await redis.zscore(keys.REMINDERS, older) == due
