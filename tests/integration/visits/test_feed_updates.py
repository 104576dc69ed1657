"""Feed updates against live registrations, and the outbox."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import httpx
import pytest
from arq.connections import ArqRedis
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import keys
from core.visits.links import action_token
from core.visits.models import Language, Registration, RegistrationStatus
from core.visits.pseudonyms import email_digest
from core.visits.store import RegistrationStore
from core.visits.tokens import TokenAction
from devstack.mailsink import MailSink
from indexer.cli import main as indexer_main
from tests.integration.visits.conftest import (
    VisitIndex,
    indexed_visit,
    load_feed,
    register,
    registration_input,
    visit_settings,
    with_visits,
)
from tests.integration.visits.mail_helpers import (
    calendar_of,
    links,
    text_of,
    to,
    token_of,
    validate_ics,
)
from tests.live_app import run_worker, serve

PROVIDER = "karin@utbildning.example"


async def _statuses(redis: Redis, ids: list[str]) -> list[str]:
    return [(await redis.hget(keys.registration(i), "status") or b"").decode() for i in ids]


async def _register_and_confirm_first(settings: Settings, visit_id: str, count: int,
                                      sink: MailSink) -> list[str]:
    sink.clear()
    with serve(settings) as base:
        async with httpx.AsyncClient(timeout=10) as client:
            ids = [(await register(client, base, registration_input(
                visit_id, f"p{i}@example.se", name=f"Person {i}")))["registration"]["id"]
                for i in range(count)]
            await run_worker(settings)
            # the provider's e-mail about the first registration (the worker sends them
            # concurrently, so in any order)
            first = next(m.message for m in to(sink.messages, PROVIDER)
                         if "Person 0" in text_of(m.message))
            confirm = links(first)["/visits/decision#0"]
            response = await client.post(f"{base}/visits/decision",
                                         data={"token": token_of(confirm)})
            assert response.status_code == 200
    return ids


async def test_lowering_capacity_never_cancels_registrations(
    visit_index: VisitIndex, own_index: tuple[str, Path], redis_url: str, smtp_sink: MailSink,
    redis: Redis, queue: ArqRedis
) -> None:
    uid, path = own_index
    settings = visit_settings(visit_index, redis_url, smtp_sink, MEILI_INDEX=uid)
    ids = await _register_and_confirm_first(settings, visit_index.five_seats, 3, smtp_sink)
    load_feed(visit_index.meili, uid, path, with_visits(visit_index.feed, lambda visits: [
        {**v, "capacity": 1} if v["id"] == "FIVE" else v for v in visits]))
    await queue.enqueue_job("reconcile_study_visits")
    await run_worker(settings)
    assert sorted(await _statuses(redis, ids)) == ["CONFIRMED", "PENDING", "PENDING"]
    with serve(settings) as base:
        async with httpx.AsyncClient(timeout=10) as client:
            late = await register(client, base, registration_input(visit_index.five_seats,
                                                                   "late@example.se"))
            seen = await client.post(f"{base}/graphql", json={
                "query": "query($id: ID!) { studyVisit(id: $id) { visit { capacity seatsLeft }}}",
                "variables": {"id": visit_index.five_seats}})
    assert late["errors"][0]["code"] == "VISIT_FULL"
    assert seen.json()["data"]["studyVisit"]["visit"] == {"capacity": 1, "seatsLeft": 0}


async def test_removing_a_visit_cancels_its_registrations_and_tells_the_jobseekers(
    visit_index: VisitIndex, own_index: tuple[str, Path], redis_url: str, smtp_sink: MailSink,
    monkeypatch: pytest.MonkeyPatch, redis: Redis,
) -> None:
    uid, path = own_index
    settings = visit_settings(visit_index, redis_url, smtp_sink, MEILI_INDEX=uid)
    ids = await _register_and_confirm_first(settings, visit_index.five_seats, 2, smtp_sink)
    await run_worker(settings)
    smtp_sink.clear()
    path.write_text(json.dumps(with_visits(visit_index.feed, lambda visits: [
        v for v in visits if v["id"] != "FIVE"]), ensure_ascii=False), encoding="utf-8")
    for name, value in {"MEILI_URL": settings.meili_url, "REDIS_URL": redis_url,
                        "MEILI_MASTER_KEY": settings.meili_master_key, "MEILI_INDEX": uid,
                        "SECRET_KEY": settings.secret_key}.items():
        monkeypatch.setenv(name, value)
    # The CLI (its own thread, as in its own process) enqueues the reconciliation.
    assert await asyncio.to_thread(indexer_main, ["load", str(path), "--quiet"]) == 0
    queued = [k.decode() for k in await redis.keys("arq:job:reconcile_study_visits:load-*")]
    assert len(queued) == 1
    await run_worker(settings)
    assert await _statuses(redis, ids) == ["CANCELLED", "CANCELLED"]
    assert await redis.hget(keys.registration(ids[0]), "cancelReason") == b"visit_removed"
    assert await redis.scard(keys.active(visit_index.five_seats)) == 0
    notices = smtp_sink.messages
    assert sorted(r for m in notices for r in m.recipients) == ["p0@example.se", "p1@example.se"]
    for notice in notices:
        assert str(notice.message["Subject"]).startswith("Inställt studiebesök")
    confirmed_notice = to(notices, "p0@example.se")[0].message
    calendar = calendar_of(confirmed_notice)
    assert calendar is not None and validate_ics(calendar)["METHOD"] == "CANCEL"
    # the pending one never had an invitation, so there is no event to cancel
    assert calendar_of(to(notices, "p1@example.se")[0].message) is None


async def test_removing_a_full_visit_cancels_its_waitlist_too(
    visit_index: VisitIndex, own_index: tuple[str, Path], redis_url: str, smtp_sink: MailSink,
    redis: Redis, queue: ArqRedis,
) -> None:
    """The seated, the one offered a freed seat and the one still in line are all
    cancelled and told; nobody is offered a seat of the removed visit."""
    uid, path = own_index
    settings = visit_settings(visit_index, redis_url, smtp_sink, MEILI_INDEX=uid)
    visit_id = visit_index.two_seats
    emails = ["seat0@example.se", "seat1@example.se", "first@example.se", "second@example.se"]
    with serve(settings) as base:
        async with httpx.AsyncClient(timeout=10) as client:
            made = [(await register(client, base, registration_input(
                visit_id, email, joinWaitlistIfFull=True)))["registration"] for email in emails]
            assert [r["status"] for r in made] == ["PENDING", "PENDING", "WAITLISTED",
                                                   "WAITLISTED"]
            store = RegistrationStore(redis)
            leaving = await store.get(made[0]["id"])
            assert leaving is not None
            cancelled = await client.post(f"{base}/visits/cancel", data={
                "token": action_token(settings, leaving, TokenAction.CANCEL)})
            assert cancelled.status_code == 200
    ids = [r["id"] for r in made]
    assert await _statuses(redis, ids[1:]) == ["PENDING", "OFFERED", "WAITLISTED"]
    await run_worker(settings)
    smtp_sink.clear()

    load_feed(visit_index.meili, uid, path, with_visits(visit_index.feed, lambda visits: [
        v for v in visits if v["id"] != "TWO"]))
    await queue.enqueue_job("reconcile_study_visits", _job_id="reconcile-removed")
    await run_worker(settings)
    assert await _statuses(redis, ids) == ["CANCELLED"] * 4
    for registration_id in ids[1:]:
        assert await redis.hget(keys.registration(registration_id), "cancelReason") == (
            b"visit_removed")
    assert await redis.scard(keys.active(visit_id)) == 0
    assert await redis.zcard(keys.waitlist(visit_id)) == 0
    assert await redis.zscore(keys.OFFERS, ids[2]) is None
    assert sorted(r for m in smtp_sink.messages for r in m.recipients) == sorted(emails[1:])
    for notice in smtp_sink.messages:
        assert str(notice.message["Subject"]).startswith("Inställt studiebesök")
        assert calendar_of(notice.message) is None  # none had been confirmed
    await queue.enqueue_job("sweep_waitlists", _job_id="sweep-after-removal")
    await run_worker(settings)
    assert len(smtp_sink.messages) == 3  # no offer, no second notice


async def test_an_unreadable_index_cancels_nothing(
    visit_index: VisitIndex, own_index: tuple[str, Path], redis_url: str, smtp_sink: MailSink,
    caplog: pytest.LogCaptureFixture, redis: Redis, queue: ArqRedis,
) -> None:
    uid, _ = own_index
    settings = visit_settings(visit_index, redis_url, smtp_sink, MEILI_INDEX=uid)
    ids = await _register_and_confirm_first(settings, visit_index.five_seats, 1, smtp_sink)
    missing = visit_settings(visit_index, redis_url, smtp_sink, MEILI_INDEX="no_such_index")
    await queue.enqueue_job("reconcile_study_visits")
    await run_worker(missing)
    assert "index unavailable; nothing cancelled" in caplog.text
    assert await _statuses(redis, ids) == ["CONFIRMED"]


async def test_emails_owed_but_never_enqueued_are_sent_by_the_outbox(
    vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink, redis: Redis, queue: ArqRedis
) -> None:
    """A crash between storing a registration and enqueuing its jobs loses no email."""
    visit = await indexed_visit(vsettings, visit_index.roomy)
    long_ago = int(time.time()) - 600
    registration = Registration(
        id="outbox-test", status=RegistrationStatus.PENDING, visit=visit, name="Olle Outbox",
        email="olle.outbox@example.se", phone=None, language=Language.SV,
        created_at=long_ago, updated_at=long_ago, expires_at=int(time.time()) + 3600)
    await RegistrationStore(redis).reserve(
        registration, email_digest(vsettings.secret_key, registration.email), long_ago,
        outbox=("send_provider_notification", "send_jobseeker_receipt"))
    await queue.enqueue_job("redispatch_outbox")
    await run_worker(vsettings)
    assert sorted(r for m in smtp_sink.messages for r in m.recipients) == [
        "olle.outbox@example.se", "olle@utbildning.example"]
    assert await redis.zcard(keys.OUTBOX) == 0
