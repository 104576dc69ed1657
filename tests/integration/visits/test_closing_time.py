"""Closing time and unanswered registrations (core/visits/closing.py), on the real API,
Meilisearch, Redis, arq worker and SMTP sink.

The feed of this module has visits at known distances from now. Time is driven by
passing ``now`` to the ``sweep_unanswered`` job, never by sleeping, except at the
closing second itself, which one test waits for (ten seconds, or three times as long as
a feed load took).
"""

from __future__ import annotations

import asyncio
import datetime
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from arq.connections import ArqRedis
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import keys
from devstack.mailsink import MailSink, ReceivedMessage
from indexer.documents import course_document_id, study_visit_id
from tests.conftest import MeiliServer, make_settings
from tests.factories import make_course, make_feed
from tests.integration.visits.conftest import (
    ORG,
    TEST_ENV,
    load_feed,
    register,
    registration_input,
)
from tests.integration.visits.mail_helpers import links, text_of, to, token_of
from tests.live_app import run_worker, serve

PROVIDER = "karin@utbildning.example"
HOUR = 3600
DAY = 86_400


@dataclass(frozen=True)
class ClosingIndex:
    meili: MeiliServer
    index: str
    starts: dict[str, int]  # visit key → start (Unix s)

    def visit(self, key: str) -> str:
        return study_visit_id(course_document_id(ORG, "CLOSING1"), key)


def _visit(key: str, start: int, capacity: int = 5, **extra: Any) -> dict[str, Any]:
    moment = datetime.datetime.fromtimestamp(start, datetime.UTC)
    return {"id": key, "start": moment.isoformat(), "durationMinutes": 60,
            "capacity": capacity, **extra}


def _load(meili: MeiliServer, path: Path, index: str, visits: list[dict[str, Any]]) -> None:
    load_feed(meili, index, path, make_feed([make_course("CLOSING1", studyVisits=visits)], ORG))


@pytest.fixture(scope="module")
def closing_index(meili_server: MeiliServer, tmp_path_factory: pytest.TempPathFactory
                  ) -> ClosingIndex:
    now = int(time.time())
    starts = {"SOON": now + 20 * HOUR, "SOON_OWN": now + 20 * HOUR,
              "OWN_CLOSED": now + 3 * DAY, "LATER": now + 10 * DAY, "TWO": now + 12 * DAY}
    visits = [_visit("SOON", starts["SOON"]),
              _visit("SOON_OWN", starts["SOON_OWN"], registrationClosesHoursBefore=2),
              _visit("OWN_CLOSED", starts["OWN_CLOSED"], registrationClosesHoursBefore=80),
              _visit("LATER", starts["LATER"]),
              _visit("TWO", starts["TWO"], capacity=2)]
    index = "closing_test"
    _load(meili_server, tmp_path_factory.mktemp("closing") / "feed.json", index, visits)
    return ClosingIndex(meili_server, index, starts)


def _settings(closing_index: ClosingIndex, redis_url: str, sink: MailSink, **env: str
              ) -> Settings:
    sink.clear()
    return make_settings(closing_index.meili, redis_url, sink,
                         **{**TEST_ENV, "MEILI_INDEX": closing_index.index, **env})


@pytest.fixture
def settings(closing_index: ClosingIndex, redis_url: str, smtp_sink: MailSink) -> Settings:
    return _settings(closing_index, redis_url, smtp_sink)


@pytest.fixture
def api(settings: Settings) -> Iterator[str]:
    with serve(settings) as base_url:
        yield base_url


COURSE_VISITS = """
query ($id: ID!) { course(id: $id) { studyVisits { id start registrationClosesAt } } }
"""
OPEN_VISITS = """
query { searchStudyVisits(filter: {onlyOpenForRegistration: true}, first: 50) {
  edges { node { id registrationClosesAt } } } }
"""


async def _graphql(client: httpx.AsyncClient, api: str, query: str,
                   variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = await client.post(f"{api}/graphql",
                                 json={"query": query, "variables": variables or {}})
    body = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def _codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["errors"]]


def _ts(value: str) -> int:
    return int(datetime.datetime.fromisoformat(value).timestamp())


async def _sweep(queue: ArqRedis, settings: Settings, now: int, tag: str) -> None:
    await queue.enqueue_job("sweep_unanswered", now, _job_id=f"sweep:{tag}")
    await run_worker(settings)


def _reminders(sink: MailSink) -> list[ReceivedMessage]:
    return [m for m in to(sink.messages, PROVIDER)
            if str(m.message["Subject"]).startswith("Påminnelse")]


@pytest.mark.slow
async def test_registration_closes_at_the_closing_second(
    meili_server: MeiliServer, tmp_path: Path, redis_url: str, smtp_sink: MailSink
) -> None:
    """The default closing time (24 h): open before, closed at the second itself."""
    index = "closing_edge"
    settings = make_settings(meili_server, redis_url, smtp_sink,
                             **{**TEST_ENV, "MEILI_INDEX": index})
    visit_id = study_visit_id(course_document_id(ORG, "CLOSING1"), "EDGE")
    with serve(settings) as api:  # the API reads the visit from the index when asked
        # A first load creates the index; the visit's start then leaves the second load
        # (no slower than the first) three times the first's time, on a loaded machine too.
        began = time.monotonic()
        _load(meili_server, tmp_path / "feed.json", index, [_visit("EDGE", int(
            time.time()) + 10 * DAY)])
        margin = max(10, int(3 * (time.monotonic() - began)))
        start = int(time.time()) + DAY + margin
        closes = start - DAY
        _load(meili_server, tmp_path / "feed.json", index, [_visit("EDGE", start)])
        async with httpx.AsyncClient(timeout=10) as client:
            assert time.time() < closes - 1, "the feed took too long to load"
            before = await register(client, api, registration_input(visit_id, "a@example.se"))
            assert before["errors"] == []
            await asyncio.sleep(max(0.0, closes - time.time()))
            at = await register(client, api, registration_input(visit_id, "b@example.se",
                                                                 language="EN"))
            assert time.time() < closes + 1
            assert _codes(at) == ["REGISTRATION_CLOSED"]
            assert at["errors"][0]["field"] == "visitId"
            assert at["errors"][0]["message"] == "Registration for this study visit has closed."
            course = await _graphql(client, api, COURSE_VISITS,
                                    {"id": course_document_id(ORG, "CLOSING1")})
            [visit] = course["course"]["studyVisits"]
            assert _ts(visit["registrationClosesAt"]) == closes


async def test_the_visits_own_closing_time_or_the_default_setting_decides(
    api: str, closing_index: ClosingIndex, redis_url: str, smtp_sink: MailSink
) -> None:
    starts = closing_index.starts
    async with httpx.AsyncClient(timeout=10) as client:
        soon = await register(client, api, registration_input(
            closing_index.visit("SOON"), "soon@example.se"))
        own_open = await register(client, api, registration_input(
            closing_index.visit("SOON_OWN"), "own@example.se"))
        own_closed = await register(client, api, registration_input(
            closing_index.visit("OWN_CLOSED"), "closed@example.se"))
        assert _codes(soon) == ["REGISTRATION_CLOSED"]
        assert own_open["errors"] == [] and own_open["registration"]["status"] == "PENDING"
        assert _codes(own_closed) == ["REGISTRATION_CLOSED"]

        course = await _graphql(client, api, COURSE_VISITS,
                                {"id": course_document_id(ORG, "CLOSING1")})
        closes = {v["id"]: _ts(v["registrationClosesAt"])
                  for v in course["course"]["studyVisits"]}
        assert closes[closing_index.visit("SOON")] == starts["SOON"] - 24 * HOUR
        assert closes[closing_index.visit("SOON_OWN")] == starts["SOON_OWN"] - 2 * HOUR
        assert closes[closing_index.visit("OWN_CLOSED")] == starts["OWN_CLOSED"] - 80 * HOUR

        found = await _graphql(client, api, OPEN_VISITS)
        open_ids = {e["node"]["id"]: _ts(e["node"]["registrationClosesAt"])
                    for e in found["searchStudyVisits"]["edges"]}
        assert set(open_ids) == {closing_index.visit(k) for k in ("SOON_OWN", "LATER", "TWO")}
        assert open_ids[closing_index.visit("SOON_OWN")] == starts["SOON_OWN"] - 2 * HOUR

    # A shorter service default opens the visit without its own closing time.
    shorter = _settings(closing_index, redis_url, smtp_sink,
                        REGISTRATION_CLOSES_HOURS_BEFORE="19")
    with serve(shorter) as other_api:
        async with httpx.AsyncClient(timeout=10) as client:
            again = await register(client, other_api, registration_input(
                closing_index.visit("SOON"), "soon@example.se"))
            assert again["errors"] == []
            found = await _graphql(client, other_api, OPEN_VISITS)
            assert closing_index.visit("SOON") in {
                e["node"]["id"] for e in found["searchStudyVisits"]["edges"]}


async def test_the_provider_is_reminded_once_after_a_day_and_once_the_day_before(
    api: str, settings: Settings, closing_index: ClosingIndex, smtp_sink: MailSink,
    queue: ArqRedis, redis: Redis,
) -> None:
    start = closing_index.starts["LATER"]
    async with httpx.AsyncClient(timeout=10) as client:
        waiting = await register(client, api, registration_input(
            closing_index.visit("LATER"), "vantar@example.se"))
        answered = await register(client, api, registration_input(
            closing_index.visit("LATER"), "svarad@example.se"))
        await run_worker(settings)
        notification = next(m.message for m in to(smtp_sink.messages, PROVIDER)
                            if answered["registration"]["id"] in str(m.message["Message-ID"]))
        decided = await client.post(f"{api}/visits/decision", data={
            "token": token_of(links(notification)["/visits/decision#0"])})
        assert decided.status_code == 200
    await run_worker(settings)
    registration_id = waiting["registration"]["id"]
    created = int(await redis.hget(keys.registration(registration_id), "createdAt") or 0)
    smtp_sink.clear()

    await _sweep(queue, settings, created + 24 * HOUR - 60, "early")
    assert _reminders(smtp_sink) == []
    for attempt in range(2):
        await _sweep(queue, settings, created + 24 * HOUR, f"first-{attempt}")
    [first] = _reminders(smtp_sink)
    assert registration_id in str(first.message["Message-ID"])
    text = text_of(first.message)
    assert "vantar@example.se" in text and "/visits/decision" in text
    await _sweep(queue, settings, start - DAY - 60, "before-eve")
    assert len(_reminders(smtp_sink)) == 1
    for attempt in range(2):
        await _sweep(queue, settings, start - DAY, f"eve-{attempt}")
    reminders = _reminders(smtp_sink)
    assert len(reminders) == 2
    assert "send_provider_eve_reminder" in str(reminders[1].message["Message-ID"])
    assert all(m.recipients == (PROVIDER,) for m in smtp_sink.messages)  # none to jobseekers


async def test_a_registration_still_pending_at_the_start_expires_frees_its_seat_and_is_told(
    api: str, settings: Settings, closing_index: ClosingIndex, smtp_sink: MailSink,
    queue: ArqRedis, redis: Redis,
) -> None:
    visit_id = closing_index.visit("TWO")
    async with httpx.AsyncClient(timeout=10) as client:
        pending = await register(client, api, registration_input(
            visit_id, "obesvarad@example.se", language="EN"))
        confirmed = await register(client, api, registration_input(visit_id, "ja@example.se"))
        full = await register(client, api, registration_input(visit_id, "tredje@example.se"))
        assert _codes(full) == ["VISIT_FULL"]
        await run_worker(settings)
        notification = next(m.message for m in to(smtp_sink.messages, PROVIDER)
                            if confirmed["registration"]["id"] in str(m.message["Message-ID"]))
        await client.post(f"{api}/visits/decision", data={
            "token": token_of(links(notification)["/visits/decision#0"])})
    await run_worker(settings)
    smtp_sink.clear()
    pending_id = pending["registration"]["id"]
    confirmed_id = confirmed["registration"]["id"]

    await _sweep(queue, settings, closing_index.starts["TWO"] - 1, "before-start")
    assert await redis.hget(keys.registration(pending_id), "status") == b"PENDING"
    assert len(_reminders(smtp_sink)) == 2  # both provider reminders were overdue
    smtp_sink.clear()
    for attempt in range(2):
        await _sweep(queue, settings, closing_index.starts["TWO"], f"start-{attempt}")
    assert await redis.hget(keys.registration(pending_id), "status") == b"EXPIRED"
    assert await redis.hget(keys.registration(confirmed_id), "status") == b"CONFIRMED"
    assert await redis.smembers(keys.active(visit_id)) == {confirmed_id.encode()}
    assert await redis.zcard(keys.CLOSING_DUE) == 0

    [told] = smtp_sink.messages
    assert told.recipients == ("obesvarad@example.se",)
    assert str(told.message["Subject"]).startswith("No confirmation")
    assert "has expired" in text_of(told.message)
    await run_worker(settings)
    assert len(smtp_sink.messages) == 1  # told once

    async with httpx.AsyncClient(timeout=10) as client:  # the freed seat can be taken
        taken = await register(client, api, registration_input(visit_id, "tredje@example.se"))
    assert taken["errors"] == []
