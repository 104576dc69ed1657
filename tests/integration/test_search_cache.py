"""The search-result cache against a real Meilisearch and a real Redis.

Correctness first: after the indexer completes an update (documents, a rebuild swap, a
settings change), the very next search shows it, from one API process or from two that
share the Redis cache (in this process, and as two ``python -m api`` processes); seats
left are never cached (a response listing study visits is held as a template to fill
them into, and only until a visit it lists starts); the parts of a multi-search (each
facet's count query) are held under the same rule; an indexer that cannot reach Redis
changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from meilisearch import Client
from redis import Redis
from redis.asyncio import Redis as AsyncRedis

from api.search.cache import RESPONSE, VERSION_MAX_AGE, SearchCache, part_key
from api.search.compiled.executor import SearchExecutor
from core.redis_reads import RedisReads
from core.redis_values import as_text
from core.search import index_version
from core.search.filters import upcoming_bound
from core.settings import Settings
from core.visits.seats import active_registrations_key
from indexer.cli import main as indexer_main
from indexer.tasks import wait_for_task
from tests.factories import make_course, make_feed, organisation_number
from tests.integration.scaleout.api_processes import api_processes
from tests.integration.search_support import Api, running_api
from tests.integration.served_api import ServedApi

ORG = organisation_number("556677889")
DOC = ORG.replace("-", "")
SEARCH = """query S($q: String!) { searchCourses(query: $q, first: 10) {
  totalCount edges { node { id title } } facets { attribute values { value count } } } }"""
RELAXED = """query R($q: String!) { searchCourses(query: $q, first: 10) {
  totalCount relaxation { kind regionCode } edges { node { id title } } } }"""
WITH_SEATS = """query V($q: String!) { searchCourses(query: $q, first: 10) {
  edges { node { id studyVisits { id seatsLeft } } } } }"""
# Facets without "upcoming study visits", whose count query changes every minute.
FACETED = """query F($q: String!, $f: CourseFilterInput) {
  searchCourses(query: $q, filter: $f, first: 10, facets: [REGION, PACE]) {
  totalCount edges { node { id title } } facets { attribute values { value count } } } }"""

UPCOMING = """query U($q: String!) {
  searchCourses(query: $q, first: 10, facets: [REGION, HAS_UPCOMING_STUDY_VISITS]) {
  totalCount edges { node { id } } facets { attribute values { value count } } } }"""


def _renamed(query: str) -> str:
    """The same search under another operation name: a different request (not found as a
    whole in the cache) that sends Meilisearch the same queries (found as parts)."""
    return query.replace("query ", "query Other", 1)


def _queries_sent(api: Api, since: int) -> int:
    return sum(len(json.loads(request.content)["queries"])
               for request in api.meili_requests[since:]
               if request.url.path.endswith("/multi-search"))


def _course(course_id: str, title: str) -> dict[str, Any]:
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=20)
    return make_course(course_id, title={"sv": title}, studyVisits=[{
        "id": "SB1", "start": start.replace(microsecond=0).isoformat(), "durationMinutes": 60,
        "capacity": 6}])


@pytest.fixture
def cli(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
        ) -> Iterator[Any]:
    """Runs ``python -m indexer`` in-process with the test's settings."""
    for name, value in {"MEILI_URL": settings.meili_url,
                        "MEILI_MASTER_KEY": settings.meili_master_key,
                        "MEILI_INDEX": settings.meili_index, "REDIS_URL": settings.redis_url,
                        "SECRET_KEY": settings.secret_key}.items():
        monkeypatch.setenv(name, value)

    def run(*args: str, courses: list[dict[str, Any]] | None = None) -> int:
        if courses is not None:
            path = tmp_path / "feeds" / "a.json"
            path.parent.mkdir(exist_ok=True)
            path.write_text(json.dumps(make_feed(courses, ORG)), encoding="utf-8")
            args = (*args, str(path.parent))
        return indexer_main([*args, "--quiet"] if args[0] == "load" else list(args))

    yield run


async def _search(api: Api, query: str = SEARCH, q: str = "") -> dict[str, Any]:
    return (await api.data(query, {"q": q}))["searchCourses"]


def _executor(api: Api) -> SearchExecutor:
    executor: SearchExecutor = api.app.state.search_executor
    return executor


async def _cached(api: Api, query: str = SEARCH, q: str = "") -> dict[str, Any]:
    """The search, made sure to be in the cache (and answered from it)."""
    cache = _executor(api).cache
    assert cache is not None
    for _ in range(2):  # strawberry registers the document, then the compiled path stores
        await _search(api, query, q)
    hits = cache.hits
    result = await _search(api, query, q)
    assert cache.hits == hits + 1
    return result


def _titles(result: dict[str, Any]) -> set[str]:
    return {edge["node"]["title"] for edge in result["edges"]}


async def test_the_next_search_after_a_load_shows_it(settings: Settings, cli: Any) -> None:
    assert cli("load", courses=[_course("K1", "Svetsare A")]) == 0
    async with running_api(settings) as api:
        assert _titles(await _cached(api)) == {"Svetsare A"}
        assert cli("load", courses=[_course("K1", "Svetsare B"), _course("K2", "Kock")]) == 0
        after = await _search(api)
        assert _titles(after) == {"Svetsare B", "Kock"} and after["totalCount"] == 2
        assert cli("load", courses=[_course("K2", "Kock")]) == 0  # K1 withdrawn
        assert _titles(await _search(api)) == {"Kock"}


async def test_the_next_search_after_a_rebuild_swap_shows_it(settings: Settings,
                                                             cli: Any) -> None:
    assert cli("load", "--rebuild", courses=[_course("K1", "Svetsare A")]) == 0
    async with running_api(settings) as api:
        assert _titles(await _cached(api)) == {"Svetsare A"}
        assert cli("load", "--rebuild", courses=[_course("K3", "Elektriker")]) == 0
        assert _titles(await _search(api)) == {"Elektriker"}


async def test_the_next_search_after_a_settings_change_shows_it(settings: Settings,
                                                                cli: Any) -> None:
    assert cli("load", courses=[_course("K1", "Svetsare A")]) == 0
    client = Client(settings.meili_url, settings.meili_master_key)
    index = client.index(settings.meili_index)
    wait_for_task(client, index.update_searchable_attributes(["courseId"]), 60)  # drift
    # Without relaxed searches: the drift makes "svetsare" a dead end, whose relaxed
    # search (by occupation, not by text) would find the course all the same.
    async with running_api(dataclasses.replace(settings, search_relax_dead_ends=False)) as api:
        assert (await _cached(api, q="svetsare"))["totalCount"] == 0
        assert cli("settings") == 0  # the declared settings again
        assert (await _search(api, q="svetsare"))["totalCount"] == 1


async def test_a_dead_end_is_answered_with_its_relaxed_search_from_the_cache(
        settings: Settings, cli: Any) -> None:
    assert cli("load", courses=[_course("K1", "Svetsare A")]) == 0  # in Malmö
    async with running_api(settings) as api:
        result = await _cached(api, RELAXED, q="svetsare i Lund")
        assert result["relaxation"] == {"kind": "WIDER_PLACE", "regionCode": "12"}
        assert _titles(result) == {"Svetsare A"}
        sent = len(api.meili_requests)
        assert await _search(api, RELAXED, q="svetsare i Lund") == result
        assert len(api.meili_requests) == sent  # neither search sent again


async def test_two_api_processes_share_the_cache_and_see_updates(settings: Settings,
                                                                 cli: Any) -> None:
    shared = dataclasses.replace(settings, search_cache_redis=True)
    assert cli("load", courses=[_course("K1", "Svetsare A")]) == 0
    async with running_api(shared) as first, running_api(shared) as second:
        assert _titles(await _cached(first)) == {"Svetsare A"}
        await _search(second)  # strawberry registers the document in this process
        sent = len(second.meili_requests)
        assert _titles(await _search(second)) == {"Svetsare A"}
        assert len(second.meili_requests) == sent  # from the shared cache, not Meilisearch
        assert cli("load", courses=[_course("K1", "Svetsare B")]) == 0
        assert _titles(await _search(second)) == {"Svetsare B"}
        assert _titles(await _search(first)) == {"Svetsare B"}


async def test_seats_left_are_fresh_from_a_cached_search(settings: Settings,
                                                         cli: Any) -> None:
    assert cli("load", courses=[_course("K1", "Svetsare A")]) == 0
    async with running_api(settings) as api:
        (edge,) = (await _cached(api, WITH_SEATS))["edges"]
        (visit,) = edge["node"]["studyVisits"]
        assert visit["seatsLeft"] == 6
        redis = Redis.from_url(settings.redis_url)
        redis.sadd(active_registrations_key(visit["id"]), "registration-1", "registration-2")
        sent = len(api.meili_requests)
        (edge,) = (await _search(api, WITH_SEATS))["edges"]
        assert edge["node"]["studyVisits"][0]["seatsLeft"] == 4
        assert len(api.meili_requests) == sent  # the Meilisearch part came from the cache


async def test_a_visit_listed_by_a_cached_answer_leaves_it_when_it_starts(
        settings: Settings, cli: Any) -> None:
    course = _course("K1", "Svetsare A")
    later = course["studyVisits"][0]
    soon = (datetime.datetime.fromisoformat(later["start"]) - datetime.timedelta(days=1)
            ).replace(second=30)
    course["studyVisits"] = [dict(later, id="SB0", start=soon.isoformat()), later]
    assert cli("load", courses=[course]) == 0
    async with running_api(settings) as api:
        service = _executor(api).service
        service.clock = lambda: soon.timestamp() - 20  # the visit's minute
        (edge,) = (await _cached(api, WITH_SEATS))["edges"]
        first, second = edge["node"]["studyVisits"]
        assert (first["id"], second["id"]) == (f"{DOC}-K1~SB0", f"{DOC}-K1~SB1")
        service.clock = lambda: soon.timestamp() + 1  # the same minute, the visit started
        sent = len(api.meili_requests)
        (edge,) = (await _search(api, WITH_SEATS))["edges"]
        assert edge["node"]["studyVisits"] == [second]
        assert len(api.meili_requests) == sent  # Meilisearch's answer held, projected anew


async def test_seats_left_are_fresh_from_another_process_s_cached_answer(
        settings: Settings, cli: Any) -> None:
    shared = dataclasses.replace(settings, search_cache_redis=True)
    assert cli("load", courses=[_course("K1", "Svetsare A")]) == 0
    async with running_api(shared) as first, running_api(shared) as second:
        (edge,) = (await _cached(first, WITH_SEATS))["edges"]
        (visit,) = edge["node"]["studyVisits"]
        await _search(second, WITH_SEATS)  # strawberry registers the document
        Redis.from_url(settings.redis_url).sadd(active_registrations_key(visit["id"]), "r-1")
        sent = len(second.meili_requests)
        (edge,) = (await _search(second, WITH_SEATS))["edges"]
        assert edge["node"]["studyVisits"] == [dict(visit, seatsLeft=visit["seatsLeft"] - 1)]
        assert len(second.meili_requests) == sent  # the answer came from the shared cache


async def test_a_search_missed_as_a_whole_is_answered_from_its_parts(
        settings: Settings, cli: Any) -> None:
    assert cli("load", courses=[_course("K1", "Svetsare A"), _course("K2", "Kock")]) == 0
    async with running_api(settings) as api:
        await _cached(api, FACETED)
        await _search(api, _renamed(FACETED))  # strawberry registers the document
        sent = len(api.meili_requests)
        result = await _search(api, _renamed(FACETED))
        assert len(api.meili_requests) == sent  # every part from the cache
        assert result == await _search(api, FACETED)


async def test_a_facet_count_query_is_shared_by_searches_that_differ_in_its_values(
        settings: Settings, cli: Any) -> None:
    assert cli("load", courses=[_course("K1", "Svetsare A"), _course("K2", "Kock")]) == 0
    one_pace = {"q": "", "f": {"regions": ["12"], "paces": ["FULL_TIME"]}}
    other_pace = {"q": "", "f": {"regions": ["12"], "paces": ["PART_TIME"]}}
    uncached = dataclasses.replace(settings, search_cache_size=0)
    async with running_api(settings) as api, running_api(uncached) as plain:
        await api.data(FACETED, {"q": "kock"})  # strawberry registers the document
        await api.data(FACETED, one_pace)  # the compiled path holds its parts
        sent = len(api.meili_requests)
        result = await api.data(FACETED, other_pace)
        before = len(plain.meili_requests)
        assert result == await plain.data(FACETED, other_pace)
        # The pace facet's count query (every filter but the pace) came from the cache.
        assert 0 < _queries_sent(api, sent) < _queries_sent(plain, before)


def _upcoming(result: dict[str, Any]) -> int:
    (facet,) = [f for f in result["facets"] if f["attribute"] == "HAS_UPCOMING_STUDY_VISITS"]
    (count,) = [v["count"] for v in facet["values"] if v["value"] == "true"]
    return int(count)


async def test_a_visit_that_has_started_is_never_counted_as_upcoming_from_the_cache(
        settings: Settings, cli: Any) -> None:
    start = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=20)).replace(
        second=10, microsecond=0)
    course = _course("K1", "Svetsare A")
    course["studyVisits"][0]["start"] = start.isoformat()
    assert cli("load", courses=[course]) == 0
    starts = start.timestamp()
    async with running_api(settings) as api:
        service = _executor(api).service
        service.clock = lambda: starts - 20  # the minute before the visit's
        assert _upcoming(await _cached(api, UPCOMING)) == 1
        service.clock = lambda: starts - 15  # the same minute: the answer still holds
        assert _upcoming(await _cached(api, UPCOMING)) == 1
        service.clock = lambda: starts + 5  # the visit has started
        assert _upcoming(await _search(api, UPCOMING)) == 0


async def test_the_upcoming_count_query_is_shared_within_its_minute(
        settings: Settings, cli: Any) -> None:
    assert cli("load", courses=[_course("K1", "Svetsare A"), _course("K2", "Kock")]) == 0
    minute = float(upcoming_bound(time.time()))
    async with running_api(settings) as api:
        service = _executor(api).service
        service.clock = lambda: minute + 5
        first = await _cached(api, UPCOMING)
        await _search(api, _renamed(UPCOMING))  # strawberry registers the document
        service.clock = lambda: minute + 50
        sent = len(api.meili_requests)
        assert await _search(api, _renamed(UPCOMING)) == first
        assert len(api.meili_requests) == sent  # every part, the count query too
        service.clock = lambda: minute + 65  # the next minute: a count query of its own
        assert await _search(api, _renamed(UPCOMING)) == first
        assert _queries_sent(api, sent) == 1


async def test_parts_never_answer_after_an_index_update(settings: Settings, cli: Any) -> None:
    visits = """query S($q: String!) { searchCourses(query: $q, first: 10, facets: [REGION]) {
      edges { node { title studyVisits { id start } } } } }"""
    assert cli("load", courses=[_course("K1", "Svetsare A")]) == 0
    async with running_api(settings) as api:
        (before,) = (await _cached(api, visits))["edges"]
        await _search(api, _renamed(visits))
        moved = _course("K1", "Svetsare B")
        moved["studyVisits"][0]["start"] = "2099-01-05T09:00:00+01:00"
        assert cli("load", courses=[moved]) == 0  # the title and the visit change
        sent = len(api.meili_requests)
        (after,) = (await _search(api, _renamed(visits)))["edges"]
        assert after["node"]["title"] == "Svetsare B"
        assert after["node"]["studyVisits"] != before["node"]["studyVisits"]
        assert after["node"]["studyVisits"][0]["start"].startswith("2099-01-05")
        assert len(api.meili_requests) == sent + 1


async def test_seats_left_are_fresh_from_cached_parts(settings: Settings, cli: Any) -> None:
    assert cli("load", courses=[_course("K1", "Svetsare A")]) == 0
    async with running_api(settings) as api:
        (edge,) = (await _cached(api, WITH_SEATS))["edges"]
        (visit,) = edge["node"]["studyVisits"]
        await _search(api, _renamed(WITH_SEATS))
        redis = Redis.from_url(settings.redis_url)
        redis.sadd(active_registrations_key(visit["id"]), "registration-3")
        sent = len(api.meili_requests)
        (edge,) = (await _search(api, _renamed(WITH_SEATS)))["edges"]
        assert edge["node"]["studyVisits"][0]["seatsLeft"] == visit["seatsLeft"] - 1
        assert len(api.meili_requests) == sent  # the Meilisearch parts came from the cache


async def test_a_lost_version_invalidates_every_entry(settings: Settings, cli: Any) -> None:
    assert cli("load", courses=[_course("K1", "Svetsare A")]) == 0
    redis = Redis.from_url(settings.redis_url)
    async with running_api(settings) as api:
        await _cached(api)
        redis.delete(index_version.version_key(settings.meili_index))
        cache = _executor(api).cache
        assert cache is not None
        misses = cache.misses
        await _search(api)
        assert cache.misses == misses + 1
        assert redis.get(index_version.version_key(settings.meili_index)) is not None


def test_the_indexer_refuses_to_write_without_redis(settings: Settings, cli: Any,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    assert cli("load", courses=[_course("K1", "Svetsare A")]) == 1
    assert "Redis" in capsys.readouterr().err
    stats = Client(settings.meili_url, settings.meili_master_key).get_all_stats()
    assert settings.meili_index not in stats.get("indexes", {})
    assert cli("settings") == 1


def test_every_completed_write_changes_the_version(settings: Settings, cli: Any) -> None:
    redis = Redis.from_url(settings.redis_url)
    key = index_version.version_key(settings.meili_index)
    versions = set()
    for title in ("A", "B"):
        assert cli("load", courses=[_course("K1", title)]) == 0
        versions.add(redis.get(key))
    assert cli("load", "--rebuild", courses=[_course("K1", "C")]) == 0
    versions.add(redis.get(key))
    assert len(versions) == 3 and None not in versions


@pytest.fixture
async def cache_parts(settings: Settings) -> AsyncIterator[tuple[AsyncRedis, RedisReads]]:
    redis = AsyncRedis.from_url(settings.redis_url)
    reads = RedisReads(settings.redis_url)
    yield redis, reads
    await reads.aclose()
    await redis.aclose()


async def test_a_miss_is_stored_under_the_version_read_before_its_search(
        cache_parts: tuple[AsyncRedis, RedisReads]) -> None:
    redis, reads = cache_parts
    now = [0.0]
    cache = SearchCache(redis, reads, "race", 16, clock=lambda: now[0])
    key = index_version.version_key("race")
    first, _ = await cache.lookup(b"a").result()  # nothing known yet: the version is read
    assert first == as_text(await redis.get(key))
    searching = cache.lookup(b"b")  # a miss known at once; its search starts now
    await redis.set(key, "changed")  # an index update completes meanwhile
    now[0] += VERSION_MAX_AGE
    assert (await cache.lookup(b"c").result())[0] == "changed"  # read by another request
    version, entry = await searching.result()
    assert (version, entry) == (first, None)
    assert version is not None
    await cache.store(b"b", version, RESPONSE, b"answer from before the update")
    again = cache.lookup(b"b")
    assert again.may_hit
    assert await again.result() == ("changed", None)  # never served after the update
    await cache.store(b"b", "changed", RESPONSE, b"answer after the update")
    found = (await cache.lookup(b"b").result())[1]
    assert found is not None and found.payload == b"answer after the update"


async def test_misses_read_redis_only_when_the_last_version_read_is_old(
        cache_parts: tuple[AsyncRedis, RedisReads]) -> None:
    redis, reads = cache_parts
    now = [0.0]
    cache = SearchCache(redis, reads, "reads", 16, clock=lambda: now[0])

    async def gets() -> int:
        stats = await redis.info("commandstats")
        return int(stats.get("cmdstat_get", {}).get("calls", 0))

    version, _ = await cache.lookup(b"a").result()
    assert version is not None
    await redis.config_resetstat()
    for key in (b"b", b"c", b"d"):
        assert await cache.lookup(key).result() == (version, None)
    now[0] += VERSION_MAX_AGE / 2
    assert await cache.lookup(b"e").result() == (version, None)
    assert await gets() == 0
    now[0] += VERSION_MAX_AGE
    assert await cache.lookup(b"f").result() == (version, None)
    assert await gets() == 1
    await cache.store(b"f", version, RESPONSE, b"answer")
    assert (await cache.lookup(b"f").result())[1] is not None  # a possible hit reads
    assert await gets() == 2
    assert (cache.hits, cache.misses) == (1, 6)


async def test_parts_are_found_only_under_a_version_read_by_the_finding_request(
        cache_parts: tuple[AsyncRedis, RedisReads]) -> None:
    redis, reads = cache_parts
    cache = SearchCache(redis, reads, "parts", 16)
    version, _ = await cache.lookup(b"a").result()
    assert version is not None
    keys = [part_key(b'{"q":"a"}'), part_key(b'{"q":"b"}')]
    assert await cache.parts(keys, version, version_read=True) == (version, [None, None])
    await cache.store_parts(version, [(keys[0], b"answer a")])
    assert await cache.parts(keys, version, version_read=True) == (version, [b"answer a", None])
    await redis.set(index_version.version_key("parts"), "changed")  # an index update
    # A request whose version was not read by it (a miss known at once) reads it anew.
    assert await cache.parts(keys, version, version_read=False) == ("changed", [None, None])
    assert (cache.part_hits, cache.part_misses) == (1, 5)


async def test_shared_parts_are_found_by_another_process(
        cache_parts: tuple[AsyncRedis, RedisReads]) -> None:
    redis, reads = cache_parts
    first, second = (SearchCache(redis, reads, "shared-parts", 16, shared=True)
                     for _ in range(2))
    version, _ = await first.lookup(b"a").result()
    assert version is not None
    key = part_key(b'{"q":"a"}')
    await first.store_parts(version, [(key, b"answer a")])
    assert await second.parts([key], version, version_read=True) == (version, [b"answer a"])
    await redis.set(index_version.version_key("shared-parts"), "changed")
    assert await second.parts([key], "changed", version_read=True) == ("changed", [None])


def test_two_api_processes_serve_each_other_s_entries_until_the_version_changes(
        settings: Settings, cli: Any, tmp_path: Path) -> None:
    assert cli("load", courses=[_course("K1", "Svetsare A")]) == 0
    redis = Redis.from_url(settings.redis_url)
    body = {"query": FACETED, "variables": {"q": ""}}
    with api_processes(settings, tmp_path, 2, SEARCH_CACHE_REDIS="true") as (first, second), \
            httpx.Client(timeout=20) as client:

        def titles(api: ServedApi) -> set[str]:
            response = client.post(f"{api.url}/graphql", json=body)
            return _titles(response.json()["data"]["searchCourses"])

        assert titles(second) == {"Svetsare A"}  # strawberry registers the document there
        for _ in range(2):  # strawberry registers it here, then the compiled path stores
            assert titles(first) == {"Svetsare A"}
        prefix = f"search:cache:{settings.meili_index}:"
        (whole,) = [key for key in redis.scan_iter(f"{prefix}*")
                    if not key.decode().removeprefix(prefix).startswith(b"part:".hex())]
        value = redis.get(whole)
        assert value is not None and b"\n" + RESPONSE in value
        redis.set(whole, value.replace(b"Svetsare A", b"Svetsare X"), keepttl=True)
        assert titles(second) == {"Svetsare X"}  # the first process's entry, from Redis
        assert cli("load", courses=[_course("K1", "Svetsare B")]) == 0  # a new version
        assert titles(second) == {"Svetsare B"}
        assert titles(first) == {"Svetsare B"}
