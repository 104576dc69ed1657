"""Abuse limits on registration through the real API, Redis and Meilisearch: one limit
per mailbox however the address is spelled, a daily cap on the emails to one address
(atomic under concurrency), and huge values refused before any call to Redis or
Meilisearch."""

from __future__ import annotations

import asyncio
import datetime
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from arq.connections import ArqRedis
from redis.asyncio import Redis

from api.graphql.errors import MAX_QUOTED
from core.settings import Settings
from core.visits import keys
from core.visits.models import ErrorCode, Language
from core.visits.pseudonyms import email_digest
from core.visits.ratelimit import DAY_SECONDS
from core.visits.service import VisitService
from core.visits.validation import RawRegistration
from devstack.mailsink import MailSink
from indexer.documents import course_document_id, study_visit_id
from tests.conftest import MeiliServer, make_settings
from tests.factories import make_course, make_feed
from tests.integration.visits.conftest import (
    ORG,
    REGISTER,
    TEST_ENV,
    VisitIndex,
    load_feed,
    register,
    registration_input,
    visit_settings,
)
from tests.live_app import run_worker, serve

VISITS = 30
CAP_INDEX = "visits_abuse_test"


def _codes(payload: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


@pytest.fixture(scope="module")
def many_visits(meili_server: MeiliServer, tmp_path_factory: pytest.TempPathFactory
                ) -> list[str]:
    """Thirty upcoming visits of one course: one address can register for each of them."""
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=10)
    visits = [{"id": f"V{i}", "start": (start + datetime.timedelta(hours=i)).replace(
        microsecond=0).isoformat(), "durationMinutes": 60, "capacity": 5}
        for i in range(VISITS)]
    path: Path = tmp_path_factory.mktemp("abuse-feed") / "feed.json"
    load_feed(meili_server, CAP_INDEX, path,
              make_feed([make_course("ABUSE1", studyVisits=visits)], ORG))
    course = course_document_id(ORG, "ABUSE1")
    return [study_visit_id(course, f"V{i}") for i in range(VISITS)]


@pytest.fixture
def capped_api(meili_server: MeiliServer, redis_url: str, smtp_sink: MailSink
               ) -> Iterator[tuple[str, Settings]]:
    """The API on the thirty-visit index with a daily cap of 5 emails per address."""
    smtp_sink.clear()
    settings = make_settings(meili_server, redis_url, smtp_sink, **{
        **TEST_ENV, "MEILI_INDEX": CAP_INDEX, "EMAILS_PER_ADDRESS_PER_DAY": "5"})
    with serve(settings) as base:
        yield base, settings


async def test_plus_tags_and_case_share_one_limit_and_the_receipt_goes_as_typed(
    visit_index: VisitIndex, redis_url: str, smtp_sink: MailSink, queue: ArqRedis
) -> None:
    # The hourly limit counts attempts: the first, the already-registered one, the
    # other visit; the fourth spelling is refused.
    settings = visit_settings(visit_index, redis_url, smtp_sink,
                              REGISTRATION_RATE_LIMIT_PER_EMAIL="3")
    with serve(settings) as base:
        async with httpx.AsyncClient(timeout=10) as client:
            first = await register(client, base, registration_input(
                visit_index.roomy, "victim@example.se"))
            same_visit = await register(client, base, registration_input(
                visit_index.roomy, "Victim+1@Example.SE"))
            other_visit = await register(client, base, registration_input(
                visit_index.two_seats, "VICTIM+kurs+2@example.se"))
            third = await register(client, base, registration_input(
                visit_index.tomorrow, "victim+3@EXAMPLE.se"))
    assert first["registration"] is not None
    assert _codes(same_visit) == [("email", "ALREADY_REGISTERED")]
    assert other_visit["registration"] is not None
    assert _codes(third) == [(None, "RATE_LIMITED")]
    await run_worker(settings)
    receipts = sorted(r for m in smtp_sink.messages for r in m.recipients
                      if "victim" in r.lower())
    assert receipts == ["VICTIM+kurs+2@example.se", "victim@example.se"]


async def test_the_daily_cap_admits_exactly_its_number_of_30_concurrent_registrations(
    many_visits: list[str], capped_api: tuple[str, Settings], redis: Redis
) -> None:
    base, settings = capped_api
    spellings = ["anna@example.se", "Anna+{}@example.se", "ANNA+x{}@EXAMPLE.SE"]
    limits = httpx.Limits(max_connections=VISITS, max_keepalive_connections=VISITS)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        results = await asyncio.gather(*(
            register(client, base, registration_input(
                visit, spellings[i % 3].format(i), language="EN"))
            for i, visit in enumerate(many_visits)))
    accepted = [r for r in results if r["registration"] is not None]
    refused = [r for r in results if _codes(r) == [("email", "RATE_LIMITED")]]
    assert len(accepted) == 5
    assert len(refused) == VISITS - 5
    assert all("today" in r["errors"][0]["message"] for r in refused)
    assert not any("anna" in r["errors"][0]["message"].lower() for r in refused)
    daily = keys.rate_limit("email-day", email_digest(settings.secret_key, "anna@example.se"))
    assert await redis.zcard(daily) == 5
    assert 3600 < await redis.ttl(daily) <= DAY_SECONDS
    assert len(await redis.keys(keys.registration("*"))) == 5


async def test_an_attempt_that_registers_nobody_does_not_count_against_the_daily_cap(
    many_visits: list[str], capped_api: tuple[str, Settings]
) -> None:
    base, _ = capped_api
    unknown = many_visits[0].rsplit("~", 1)[0] + "~NOSUCHVISIT"
    async with httpx.AsyncClient(timeout=10) as client:
        missing = [await register(client, base, registration_input(unknown, "bo@example.se"))
                   for _ in range(3)]
        twice = [await register(client, base, registration_input(many_visits[0], f"Bo+{i}@x.se"))
                 for i in range(3)]
        rest = [await register(client, base, registration_input(visit, "bo@x.se", language="EN"))
                for visit in many_visits[1:6]]
    assert all(_codes(r) == [("visitId", "NOT_FOUND")] for r in missing)
    assert twice[0]["registration"] is not None
    assert [_codes(r) for r in twice[1:]] == [[("email", "ALREADY_REGISTERED")]] * 2
    assert [r["registration"] is not None for r in rest] == [True] * 4 + [False]
    assert _codes(rest[-1]) == [("email", "RATE_LIMITED")]


async def test_a_huge_name_is_refused_before_any_redis_or_meilisearch_call(
    vsettings: Settings, redis: Redis, queue: ArqRedis, visit_index: VisitIndex
) -> None:
    meili_requests: list[httpx.Request] = []

    async def seen(request: httpx.Request) -> None:
        meili_requests.append(request)

    async with httpx.AsyncClient(base_url=vsettings.meili_url,
                                 event_hooks={"request": [seen]}) as meili:
        service = VisitService(vsettings, redis, meili, queue)
        huge = "Anna " * (4 * 1024 * 1024)  # 20 MiB of a plausible name
        before = await _commands_processed(redis)
        started = time.perf_counter()
        outcome = await service.register(RawRegistration(
            visit_index.roomy, huge, "anna@example.se", None, Language.SV, True), "10.0.0.1")
        elapsed = time.perf_counter() - started
        after = await _commands_processed(redis)
    assert [(e.field, e.code) for e in outcome.errors] == [("name", ErrorCode.INVALID)]
    assert outcome.registration is None
    assert elapsed < 1.0  # before the length check came first, 20 MiB took seconds
    assert after - before == 1  # the INFO command that read the count, nothing else
    assert meili_requests == []


async def _commands_processed(redis: Redis) -> int:
    info = await redis.info("stats")
    return int(info["total_commands_processed"])


MARK = "Zq"


def _longest_echo(text: str) -> int:
    return max((len(m) for m in re.findall(f"(?:{MARK})+", text)), default=0)


async def test_no_answer_of_the_registration_path_pages_or_visit_queries_echoes_a_long_value(
    api: str, visit_index: VisitIndex, caplog: pytest.LogCaptureFixture
) -> None:
    """48 KiB values (under the HTTP body cap) in every place a client can put one."""
    value = MARK * 24_576
    visits_query = "query V($id: ID!, $course: ID!) { studyVisit(id: $id) { visit { id } } " \
                   "studyVisits(filter: {courseId: $course}) { visit { id } } }"
    requests: list[dict[str, Any]] = [
        {"query": REGISTER, "variables": {"input": registration_input(
            visit_index.roomy, "a@example.se", language=value)}},
        {"query": REGISTER, "variables": {"input": registration_input(
            visit_index.roomy, "a@example.se", consent=value)}},
        {"query": REGISTER, "variables": {"input": {
            **registration_input(visit_index.roomy, "a@example.se"), value: 1}}},
        {"query": REGISTER, "variables": {"input": registration_input(
            value, value, name=value, phone=value)}},
        {"query": visits_query, "variables": {"id": value, "course": value}},
        {"query": "{ " + value + " }"},
        {"query": REGISTER, "operationName": value,
         "variables": {"input": registration_input(visit_index.roomy, "a@example.se")}},
    ]
    with caplog.at_level(logging.DEBUG):
        async with httpx.AsyncClient(timeout=10) as client:
            answers = [await client.post(f"{api}/graphql", json=body) for body in requests]
            for path in ("/visits/decision", "/visits/cancel", "/visits/erase"):
                answers.append(await client.get(f"{api}{path}", params={"token": value[:8000]}))
                answers.append(await client.post(f"{api}{path}", data={"token": value[:4000]}))
    for answer in answers:
        assert answer.status_code in (200, 400, 413), answer.status_code
        assert _longest_echo(answer.text) <= MAX_QUOTED, answer.text[:300]
    server_log = [caplog.handler.format(r) for r in caplog.records
                  if not r.name.startswith(("httpx", "httpcore"))]  # not the test's client
    assert server_log  # the request errors were logged, without their values:
    assert not [line for line in server_log if MARK in line]
