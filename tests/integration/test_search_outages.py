"""Searches, seats and readiness while Meilisearch or Redis is stalled (SIGSTOP) or dead.

Each test runs the real API against a Meilisearch and a Redis of its own, reached through
a counting proxy, with the default deadlines (2 s towards Meilisearch, 1 s towards Redis).
Bounds are generous for a shared machine but far below the 10-125 s of having none.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.search import index_version
from devstack.mailsink import MailSink
from tests.factories import make_course, make_feed, organisation_number
from tests.integration.outage_support import (
    OutageStack,
    assert_no_address,
    outage_stack,
    service_unavailable,
    stalled,
    timed,
)
from tests.live_app import serve

BOUND_SECONDS = 5.0  # deadline 2 s (+1 s for Redis on the way): well within, old code 10-20 s

SEARCH = """query S($q: String!) {
  searchCourses(query: $q, first: 5) { totalCount edges { node { id title } } }
}"""
WITH_SEATS = """query V($q: String!) {
  searchCourses(query: $q, first: 5) {
    totalCount edges { node { id studyVisits { id capacity seatsLeft } } }
  }
}"""

RELAXED = """query R($q: String!) {
  searchCourses(query: $q, first: 5) {
    totalCount relaxation { kind regionCode } edges { node { id } }
  }
}"""


def _feed(folder: Path) -> Path:
    start = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=10)).replace(
        microsecond=0)
    visits = [{"id": "V1", "start": start.isoformat(), "durationMinutes": 60, "capacity": 4}]
    feed = make_feed([make_course(f"OUT{n}", studyVisits=visits) for n in range(3)],
                     organisation_number("556677889"))
    path = folder / "feed.json"
    path.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def stack(meili_binary: Path, tmp_path: Path, smtp_sink: MailSink) -> Iterator[OutageStack]:
    with outage_stack(meili_binary, tmp_path, smtp_sink) as stack:
        stack.load([_feed(tmp_path)])
        yield stack


@pytest.fixture
def api(stack: OutageStack) -> Iterator[str]:
    with serve(stack.settings) as base_url:
        yield base_url


async def _query(client: httpx.AsyncClient, api: str, query: str, text: str
                 ) -> tuple[dict[str, Any], float]:
    response, seconds = await timed(client.post(f"{api}/graphql", json={
        "query": query, "variables": {"q": text}}, timeout=30))
    assert response.status_code == 200, response.text
    assert_no_address(response.text)
    body: dict[str, Any] = response.json()
    return body, seconds


async def test_a_stalled_meilisearch_fails_the_search_fast_typed_and_asked_once(
        stack: OutageStack, api: str) -> None:
    async with httpx.AsyncClient() as client:
        warm, _ = await _query(client, api, SEARCH, "svetsare")  # strawberry registers it
        assert warm["data"]["searchCourses"]["totalCount"] == 3
        with stalled(stack.meili):
            before = stack.proxy.multi_searches
            body, seconds = await _query(client, api, SEARCH, "welder")  # compiled, uncached
            sent = stack.proxy.multi_searches - before
    assert seconds < BOUND_SECONDS, seconds
    assert sent == 1, f"the search was sent {sent} times"
    assert body["data"] is None
    assert_no_address(json.dumps(body), stack.meili_port)
    service_unavailable(body)


async def test_a_search_meilisearch_refuses_is_typed_at_once(
        stack: OutageStack, api: str) -> None:
    stack.meili.kill()
    async with httpx.AsyncClient() as client:
        body, seconds = await _query(client, api, SEARCH, "svetsare")
    assert seconds < BOUND_SECONDS
    assert_no_address(json.dumps(body), stack.meili_port)
    service_unavailable(body)


@pytest.mark.parametrize("query", [SEARCH, WITH_SEATS], ids=["whole-response", "meili-part"])
async def test_cached_searches_are_served_stale_while_meilisearch_is_down(
        stack: OutageStack, api: str, query: str) -> None:
    async with httpx.AsyncClient() as client:
        await _query(client, api, query, "svetsare")  # strawberry: registers the document
        fresh, _ = await _query(client, api, query, "svetsare")  # compiled: cached
        also_fresh, _ = await _query(client, api, query, "welder")
        assert "extensions" not in fresh
        index_version.bump(stack.sync_redis(), stack.settings.meili_index)  # entry outdated
        with stalled(stack.meili):
            stale, seconds = await _query(client, api, query, "svetsare")  # waits, then stale
            before = stack.proxy.multi_searches
            also_stale, _ = await _query(client, api, query, "welder")
            sent = stack.proxy.multi_searches - before
            other, _ = await _query(client, api, query, "snickare")  # never cached
    assert seconds < BOUND_SECONDS
    assert stale == {**fresh, "extensions": {"stale": True}}
    assert also_stale == {**also_fresh, "extensions": {"stale": True}}
    assert sent == 0  # Meilisearch failed moments ago: not waited for again
    service_unavailable(other)


async def test_a_cached_dead_end_is_served_stale_with_its_relaxed_search(
        stack: OutageStack, api: str) -> None:
    async with httpx.AsyncClient() as client:
        await _query(client, api, RELAXED, "svetsare i Lund")  # strawberry registers it
        fresh, _ = await _query(client, api, RELAXED, "svetsare i Lund")  # compiled: cached
        # No course in Lund: the courses in Malmö, in the same region.
        assert fresh["data"]["searchCourses"]["relaxation"] == {
            "kind": "WIDER_PLACE", "regionCode": "12"}
        assert fresh["data"]["searchCourses"]["totalCount"] == 3
        index_version.bump(stack.sync_redis(), stack.settings.meili_index)  # entry outdated
        with stalled(stack.meili):
            stale, seconds = await _query(client, api, RELAXED, "svetsare i Lund")
    assert seconds < BOUND_SECONDS
    assert stale == {**fresh, "extensions": {"stale": True}}


async def test_seats_left_with_redis_stalled_or_dead_answers_fast_and_typed(
        stack: OutageStack, api: str) -> None:
    async with httpx.AsyncClient() as client:
        await _query(client, api, WITH_SEATS, "svetsare")  # registered with the compiled path
        with stalled(stack.redis):
            stalled_body, stalled_seconds = await _query(client, api, WITH_SEATS, "welder")
        stack.redis.kill()
        dead_body, dead_seconds = await _query(client, api, WITH_SEATS, "svetsare")
    for body, seconds in ((stalled_body, stalled_seconds), (dead_body, dead_seconds)):
        assert seconds < BOUND_SECONDS, seconds
        assert_no_address(json.dumps(body), stack.redis_port)
        service_unavailable(body)


async def test_readyz_names_the_dependency_that_is_down_within_the_deadline(
        stack: OutageStack, api: str) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        ready = await client.get(f"{api}/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"ready": True, "meilisearch": "ok", "redis": "ok"}
        for process, down in ((stack.redis, "redis"), (stack.meili, "meilisearch")):
            with stalled(process):
                response, seconds = await timed(client.get(f"{api}/readyz"))
                health = await client.get(f"{api}/healthz")
            assert seconds < BOUND_SECONDS, (down, seconds)
            assert response.status_code == 503
            up = "meilisearch" if down == "redis" else "redis"
            assert response.json() == {"ready": False, up: "ok", down: "unavailable"}
            assert health.status_code == 200  # liveness only



async def test_the_visit_list_with_meilisearch_stalled_fails_fast_and_typed(
        stack: OutageStack, api: str) -> None:
    async with httpx.AsyncClient() as client:
        with stalled(stack.meili):
            response, seconds = await timed(client.post(f"{api}/graphql", json={
                "query": "{ studyVisits(first: 5) { visit { id seatsLeft } } }"}, timeout=30))
    assert seconds < BOUND_SECONDS, seconds
    assert_no_address(response.text, stack.meili_port)
    service_unavailable(response.json())


SUGGEST = """query S($q: String!) {
  suggestions(prefix: $q, first: 6, language: DA) { text kind occupationCode iscoCode }
}"""


async def test_suggestions_with_meilisearch_stalled_or_dead_fail_fast_and_typed(
        stack: OutageStack, api: str) -> None:
    async with httpx.AsyncClient() as client:
        warm, _ = await _query(client, api, SUGGEST, "svejse")
        assert "errors" not in warm, warm
        with stalled(stack.meili):
            stalled_body, stalled_seconds = await _query(client, api, SUGGEST, "svets")
        stack.meili.kill()
        dead_body, dead_seconds = await _query(client, api, SUGGEST, "sveis")
    for body, seconds in ((stalled_body, stalled_seconds), (dead_body, dead_seconds)):
        assert seconds < BOUND_SECONDS, seconds
        assert_no_address(json.dumps(body), stack.meili_port)
        service_unavailable(body)
