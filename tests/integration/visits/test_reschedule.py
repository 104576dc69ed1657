"""A feed moves a visit: its registrations follow, through a real index load, Redis, arq
worker and SMTP sink. Confirmed jobseekers get the updated invitation (parsed with
``icalendar``), pending ones a notice; a re-run and a capacity-only change send nothing."""

from __future__ import annotations

import datetime
import time
from pathlib import Path
from typing import Any

import httpx
from arq.connections import ArqRedis
from icalendar import Calendar
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import keys
from core.visits.tokens import TokenAction, issue
from devstack.mailsink import MailSink
from tests.integration.visits.conftest import (
    VisitIndex,
    load_feed,
    register,
    registration_input,
    visit_settings,
    with_visits,
)
from tests.integration.visits.mail_helpers import calendar_of, links, text_of, to, token_of
from tests.live_app import run_worker, serve

PROVIDER = "karin@utbildning.example"
CONFIRMED = "moved.confirmed@example.se"
PENDING = "moved.pending@example.se"
NEW_ADDRESS = {"street": "Hamngatan 9", "postalCode": "211 22", "city": "Malmö"}


def _event(data: bytes | None) -> tuple[str, Any]:
    assert data is not None
    calendar = Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), event


def _moved_four_hours(visits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def move(visit: dict[str, Any]) -> dict[str, Any]:
        start = datetime.datetime.fromisoformat(visit["start"]) + datetime.timedelta(hours=4)
        return {**visit, "start": start.isoformat(), "address": NEW_ADDRESS}
    return [move(v) if v["id"] == "FIVE" else v for v in visits]


async def _one_confirmed_one_pending(settings: Settings, visit_id: str, sink: MailSink
                                     ) -> tuple[str, str]:
    with serve(settings) as base:
        async with httpx.AsyncClient(timeout=10) as client:
            ids = [(await register(client, base, registration_input(
                visit_id, email, language="EN")))["registration"]["id"]
                for email in (CONFIRMED, PENDING)]
            await run_worker(settings)
            (notification,) = [m for m in to(sink.messages, PROVIDER)
                               if ids[0] in str(m.message["Message-ID"])]
            confirm = links(notification.message)["/visits/decision#0"]
            answer = await client.post(f"{base}/visits/decision",
                                       data={"token": token_of(confirm)})
            assert answer.status_code == 200
    await run_worker(settings)
    return ids[0], ids[1]


async def _reconcile(queue: ArqRedis, settings: Settings, round_: str) -> None:
    await queue.enqueue_job("reconcile_study_visits", _job_id=f"reconcile-{round_}")
    await run_worker(settings)


async def test_a_moved_visit_moves_its_registrations_and_tells_each_jobseeker(
    visit_index: VisitIndex, own_index: tuple[str, Path], redis_url: str, smtp_sink: MailSink,
    redis: Redis, queue: ArqRedis,
) -> None:
    uid, path = own_index
    settings = visit_settings(visit_index, redis_url, smtp_sink, MEILI_INDEX=uid)
    confirmed, pending = await _one_confirmed_one_pending(
        settings, visit_index.five_seats, smtp_sink)
    method, invited = _event(calendar_of(to(smtp_sink.messages, CONFIRMED)[-1].message))
    assert method == "REQUEST"
    old_start = int(await redis.hget(keys.registration(confirmed), "startTs") or 0)
    old_expiry = await redis.expiretime(keys.registration(confirmed))
    reminder_before = await redis.zscore(keys.REMINDERS, confirmed)
    assert reminder_before == old_start - 24 * 3600

    load_feed(visit_index.meili, uid, path, with_visits(visit_index.feed, _moved_four_hours))
    smtp_sink.clear()
    await _reconcile(queue, settings, "1")

    moved = old_start + 4 * 3600
    for registration_id in (confirmed, pending):
        stored = await redis.hgetall(keys.registration(registration_id))
        assert int(stored[b"startTs"]) == moved
        assert stored[b"street"] == b"Hamngatan 9"
        assert stored[b"icsSequence"] == b"1"
        assert await redis.expiretime(keys.registration(registration_id)) == old_expiry + 4 * 3600
        assert await redis.zscore(keys.EXPIRIES, registration_id) == old_expiry + 4 * 3600
    assert await redis.zscore(keys.REMINDERS, confirmed) == moved - 24 * 3600
    assert await redis.zscore(keys.CONFIRMED, confirmed) == moved
    assert await redis.zscore(keys.REMINDERS, pending) is None

    (update,) = to(smtp_sink.messages, CONFIRMED)
    assert str(update.message["Subject"]).startswith("Study visit changed: new time")
    text = text_of(update.message)
    assert "Hamngatan 9, 211 22 Malmö" in text and "Industrigatan 4, 212 14 Malmö" in text
    method, updated = _event(calendar_of(update.message))
    assert method == "REQUEST"
    assert updated["UID"] == invited["UID"]
    assert updated["SEQUENCE"] > invited["SEQUENCE"]
    assert updated.decoded("DTSTART") == datetime.datetime.fromtimestamp(moved, datetime.UTC)
    assert "Hamngatan 9" in str(updated["LOCATION"])
    (notice,) = to(smtp_sink.messages, PENDING)
    assert calendar_of(notice.message) is None
    assert "Your registration still" in text_of(notice.message)
    assert to(smtp_sink.messages, PROVIDER) == []

    # The same load again: nothing changes, nothing is sent.
    smtp_sink.clear()
    await _reconcile(queue, settings, "2")
    assert smtp_sink.messages == []
    assert await redis.hget(keys.registration(confirmed), "icsSequence") == b"1"

    # The provider's decision link stays valid past the expiry it was signed with (the
    # registration's visit, now later, has not started), and a later CANCEL is higher.
    stale = issue(settings.secret_key, pending, TokenAction.DECLINE, int(time.time()) - 60)
    with serve(settings) as base:
        async with httpx.AsyncClient(timeout=10) as client:
            declined = await client.post(f"{base}/visits/decision", data={"token": stale})
            assert declined.status_code == 200
            cancel = links(update.message)["/visits/cancel"]
            cancelled = await client.post(f"{base}/visits/cancel",
                                          data={"token": token_of(cancel), "lang": "en"})
            assert cancelled.status_code == 200
    await run_worker(settings)
    assert await redis.hget(keys.registration(pending), "status") == b"DECLINED"
    assert await redis.zscore(keys.REMINDERS, confirmed) is None
    method, withdrawn = _event(calendar_of(to(smtp_sink.messages, CONFIRMED)[-1].message))
    assert method == "CANCEL"
    assert withdrawn["UID"] == invited["UID"]
    assert withdrawn["SEQUENCE"] > updated["SEQUENCE"]


async def test_a_change_of_capacity_alone_sends_nothing(
    visit_index: VisitIndex, own_index: tuple[str, Path], redis_url: str, smtp_sink: MailSink,
    redis: Redis, queue: ArqRedis,
) -> None:
    uid, path = own_index
    settings = visit_settings(visit_index, redis_url, smtp_sink, MEILI_INDEX=uid)
    confirmed, pending = await _one_confirmed_one_pending(
        settings, visit_index.five_seats, smtp_sink)
    load_feed(visit_index.meili, uid, path, with_visits(visit_index.feed, lambda visits: [
        {**v, "capacity": 1} if v["id"] == "FIVE" else v for v in visits]))
    smtp_sink.clear()
    await _reconcile(queue, settings, "capacity")
    assert smtp_sink.messages == []
    for registration_id, status in ((confirmed, b"CONFIRMED"), (pending, b"PENDING")):
        stored = await redis.hgetall(keys.registration(registration_id))
        assert stored[b"status"] == status
        assert b"icsSequence" not in stored and b"previousStartTs" not in stored
    assert await redis.zcard(keys.OUTBOX) == 0


async def test_a_longer_visit_at_the_same_time_and_place_is_a_reschedule(
    visit_index: VisitIndex, own_index: tuple[str, Path], redis_url: str, smtp_sink: MailSink,
    redis: Redis, queue: ArqRedis,
) -> None:
    uid, path = own_index
    settings = visit_settings(visit_index, redis_url, smtp_sink, MEILI_INDEX=uid)
    confirmed, pending = await _one_confirmed_one_pending(
        settings, visit_index.five_seats, smtp_sink)
    start = int(await redis.hget(keys.registration(confirmed), "startTs") or 0)
    load_feed(visit_index.meili, uid, path, with_visits(visit_index.feed, lambda visits: [
        {**v, "durationMinutes": 150} if v["id"] == "FIVE" else v for v in visits]))
    smtp_sink.clear()
    await _reconcile(queue, settings, "longer")

    for registration_id in (confirmed, pending):
        stored = await redis.hgetall(keys.registration(registration_id))
        assert (stored[b"durationMinutes"], stored[b"previousDurationMinutes"]) == (
            b"150", b"90")
        assert int(stored[b"startTs"]) == start and stored[b"icsSequence"] == b"1"
    (update,) = to(smtp_sink.messages, CONFIRMED)
    method, updated = _event(calendar_of(update.message))
    assert (method, updated["SEQUENCE"]) == ("REQUEST", 1)
    assert updated.decoded("DTSTART") == datetime.datetime.fromtimestamp(start, datetime.UTC)
    assert updated.decoded("DTEND") - updated.decoded("DTSTART") == datetime.timedelta(
        minutes=150)
    assert len(to(smtp_sink.messages, PENDING)) == 1
