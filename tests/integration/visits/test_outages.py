"""Registration and its links while Meilisearch or Redis is down.

Registration, cancellation and decisions need Redis only: the indexer keeps each visit's
record there (``core.visits.visit_records``). With Redis stalled or dead they answer
within the deadline with a typed error, and nothing is half-written.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.redis_clients import job_queue
from core.visits import keys
from core.visits.my_registrations import issue_my_token
from core.visits.pseudonyms import email_digest
from core.visits.tokens import TokenAction, issue
from devstack.mailsink import MailSink
from indexer.documents import course_document_id, study_visit_id
from tests.factories import make_course, make_feed, organisation_number
from tests.integration.outage_support import (
    OutageStack,
    assert_no_address,
    outage_stack,
    service_unavailable,
    stalled,
    timed,
)
from tests.integration.visits.conftest import REGISTER, TEST_ENV, registration_input
from tests.live_app import run_worker, serve

ORG = organisation_number("556000111")
BOUND_SECONDS = 5.0  # Redis deadline 2 s; without one these waited for ever
DECIDE = "mutation($t: String!) { decideStudyVisitRegistration(token: $t) { result status } }"
CANCEL = "mutation($t: String!) { cancelStudyVisitRegistration(token: $t) { result status } }"


@pytest.fixture
def stack(meili_binary: Path, tmp_path: Path, smtp_sink: MailSink) -> Iterator[OutageStack]:
    start = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=10)).replace(
        microsecond=0)
    visits = [{"id": "V1", "start": start.isoformat(), "durationMinutes": 60, "capacity": 3}]
    feed = make_feed([make_course("REC1", studyVisits=visits)], ORG)
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
    with outage_stack(meili_binary, tmp_path, smtp_sink, **TEST_ENV) as stack:
        stack.load([path])
        yield stack


@pytest.fixture
def api(stack: OutageStack) -> Iterator[str]:
    with serve(stack.settings) as base_url:
        yield base_url


VISIT = study_visit_id(course_document_id(ORG, "REC1"), "V1")


async def _register(client: httpx.AsyncClient, api: str, email: str
                    ) -> tuple[dict[str, Any], float]:
    response, seconds = await timed(client.post(f"{api}/graphql", json={
        "query": REGISTER, "variables": {"input": registration_input(VISIT, email)}}))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body, seconds


async def _act(client: httpx.AsyncClient, api: str, stack: OutageStack, mutation: str,
               registration_id: str, action: TokenAction) -> dict[str, Any]:
    token = issue(stack.settings.secret_key, registration_id, action, int(time.time()) + 3600)
    response = await client.post(f"{api}/graphql", json={"query": mutation,
                                                          "variables": {"t": token}})
    data: dict[str, Any] = next(iter(response.json()["data"].values()))
    return data


async def test_registration_cancellation_and_decision_work_with_meilisearch_dead(
        stack: OutageStack, api: str) -> None:
    stack.meili.kill()
    async with httpx.AsyncClient(timeout=30) as client:
        first, _ = await _register(client, api, "ann@example.se")
        second, _ = await _register(client, api, "bo@example.se")
        assert "errors" not in first and "errors" not in second, (first, second)
        one = first["data"]["registerForStudyVisit"]["registration"]
        two = second["data"]["registerForStudyVisit"]["registration"]
        assert one["courseTitle"] == "Svetsare MIG/MAG REC1"
        assert two["visit"] == {**two["visit"], "id": VISIT, "capacity": 3, "seatsLeft": 1}
        confirmed = await _act(client, api, stack, DECIDE, one["id"], TokenAction.CONFIRM)
        cancelled = await _act(client, api, stack, CANCEL, two["id"], TokenAction.CANCEL)
    assert confirmed == {"result": "DONE", "status": "CONFIRMED"}
    assert cancelled == {"result": "DONE", "status": "CANCELLED"}
    redis = stack.sync_redis()
    assert redis.smembers(keys.active(VISIT)) == {one["id"].encode()}


async def test_with_redis_stalled_or_dead_registration_and_links_fail_fast_and_write_nothing(
        stack: OutageStack, api: str) -> None:
    token = issue(stack.settings.secret_key, "some-registration", TokenAction.CANCEL,
                  int(time.time()) + 3600)
    async with httpx.AsyncClient(timeout=30) as client:
        with stalled(stack.redis):
            stalled_body, stalled_seconds = await _register(client, api, "cy@example.se")
            page, page_seconds = await timed(client.get(f"{api}/visits/cancel",
                                                        params={"token": token}))
            posted, posted_seconds = await timed(client.post(
                f"{api}/visits/cancel", data={"token": token}))
        for seconds in (stalled_seconds, page_seconds, posted_seconds):
            assert seconds < BOUND_SECONDS, seconds
        service_unavailable(stalled_body)
        for response in (page, posted):
            assert response.status_code == 503
            assert_no_address(response.text, stack.redis_port)
        assert_no_address(json.dumps(stalled_body), stack.redis_port)

        redis = stack.sync_redis()  # nothing of the failed registration was stored
        assert not list(redis.scan_iter(keys.registration("*")))
        assert redis.scard(keys.active(VISIT)) == 0
        again, _ = await _register(client, api, "cy@example.se")  # not "already registered"
        stored = again["data"]["registerForStudyVisit"]["registration"]
        assert stored is not None, again
        assert redis.smembers(keys.active(VISIT)) == {stored["id"].encode()}
        assert redis.zcard(keys.OUTBOX) == 2  # owed e-mails stored with it

        stack.redis.kill()
        dead_body, dead_seconds = await _register(client, api, "dan@example.se")
        dead_page, _ = await timed(client.get(f"{api}/visits/cancel", params={"token": token}))
    assert dead_seconds < BOUND_SECONDS
    service_unavailable(dead_body)
    assert_no_address(json.dumps(dead_body), stack.redis_port)
    assert dead_page.status_code == 503
    assert_no_address(dead_page.text, stack.redis_port)


async def test_reconciliation_with_meilisearch_stalled_cancels_nothing_within_the_deadline(
        stack: OutageStack, api: str, caplog: pytest.LogCaptureFixture) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        body, _ = await _register(client, api, "eva@example.se")
    registration_id = body["data"]["registerForStudyVisit"]["registration"]["id"]
    queue = job_queue(stack.settings)
    try:
        await queue.enqueue_job("reconcile_study_visits")
    finally:
        await queue.aclose()
    with stalled(stack.meili):
        started = time.monotonic()
        await run_worker(stack.settings)
        seconds = time.monotonic() - started
    assert seconds < 8.0, seconds  # the Meilisearch deadline (2 s), not 10 s or more
    assert "index unavailable; nothing cancelled" in caplog.text
    redis = stack.sync_redis()
    assert redis.hget(keys.registration(registration_id), "status") == b"PENDING"
    assert redis.smembers(keys.active(VISIT)) == {registration_id.encode()}


MINE = ("mutation($t: String!, $id: ID!) { %s(token: $t, registrationId: $id) "
        "{ result status } }")


async def test_my_registrations_cancel_and_erase_fail_fast_with_redis_stalled_or_dead(
        stack: OutageStack, api: str) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        body, _ = await _register(client, api, "fia@example.se")
        registration_id = body["data"]["registerForStudyVisit"]["registration"]["id"]
        token = issue_my_token(stack.settings,
                               email_digest(stack.settings.secret_key, "fia@example.se"))
        answers = []
        for outage in ("stalled", "dead"):
            for mutation in ("cancelMyRegistration", "eraseMyRegistration"):
                with stalled(stack.redis) if outage == "stalled" else contextlib.nullcontext():
                    response, seconds = await timed(client.post(f"{api}/graphql", json={
                        "query": MINE % mutation,
                        "variables": {"t": token, "id": registration_id}}))
                answers.append((response.json(), seconds))
            if outage == "stalled":  # nothing was changed while Redis was stopped
                redis = stack.sync_redis()
                assert redis.hget(keys.registration(registration_id), "status") == b"PENDING"
                assert redis.smembers(keys.active(VISIT)) == {registration_id.encode()}
                stack.redis.kill()
    for answer, seconds in answers:
        assert seconds < BOUND_SECONDS, seconds
        service_unavailable(answer)
        assert_no_address(json.dumps(answer), stack.redis_port)
