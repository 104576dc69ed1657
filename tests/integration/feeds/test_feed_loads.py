"""The load job: an uploaded feed indexed by a real arq worker into a real Meilisearch."""

from __future__ import annotations

import json
import secrets
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from arq import Retry
from arq.connections import ArqRedis, RedisSettings, create_pool
from meilisearch import Client
from meilisearch.errors import MeilisearchApiError
from redis.asyncio import Redis

from core.feeds import keys
from core.feeds.loads import EXPIRED, SUPERSEDED
from core.reference import load_reference
from core.settings import Settings
from devstack.processes import free_port, start_meilisearch
from indexer.loader import CourseIndexer
from tests.integration.feeds.conftest import (
    FULL_ORG,
    INVALID_ORG,
    FeedSettings,
    bearer,
    example,
    new_key,
)
from tests.live_app import run_worker, serve
from workers.feed_loads import FAILED, FEED_LOAD_TRIES, load_provider_feed

SEARCH = """query Search($query: String!) {
  searchCourses(query: $query, first: 10) { totalCount edges { node { id title } } }
}"""


def _index_ids(settings: Settings, organisation_number: str) -> set[str]:
    """The provider's document ids in the test's index (none while it does not exist)."""
    index = Client(settings.meili_url, settings.meili_master_key).index(settings.meili_index)
    try:
        found = index.get_documents({"filter": f'providerOrgNumber = "{organisation_number}"',
                                     "fields": ["id"], "limit": 100})
    except MeilisearchApiError as exc:
        if exc.code == "index_not_found":
            return set()
        raise
    return {doc.id for doc in found.results}


async def _search(http: httpx.AsyncClient, api: str, query: str) -> list[str]:
    response = await http.post(f"{api}/graphql",
                               json={"query": SEARCH, "variables": {"query": query}})
    body = response.json()
    assert "errors" not in body, body
    return [edge["node"]["title"] for edge in body["data"]["searchCourses"]["edges"]]


async def _upload(http: httpx.AsyncClient, api: str, key: str, feed: dict[str, Any]) -> str:
    response = await http.put(f"{api}/feeds/{FULL_ORG}", headers=bearer(key), json=feed)
    assert response.status_code == 202, response.text
    load_id: str = response.json()["loadId"]
    return load_id


async def _load(http: httpx.AsyncClient, api: str, key: str, load_id: str) -> dict[str, Any]:
    response = await http.get(f"{api}/feeds/{FULL_ORG}", headers=bearer(key))
    assert response.status_code == 200, response.text
    load: dict[str, Any] = next(x for x in response.json()["loads"] if x["loadId"] == load_id)
    return load


@pytest.fixture
async def queue(feeds_redis_url: str) -> AsyncIterator[ArqRedis]:
    pool = await create_pool(RedisSettings.from_dsn(feeds_redis_url))
    try:
        yield pool
    finally:
        await pool.aclose()


async def test_an_uploaded_feed_is_indexed_and_replaces_only_its_providers_catalogue(
        fsettings: Settings, api: str, http: httpx.AsyncClient, redis: Redis,
        tmp_path: Path) -> None:
    other = tmp_path / "other.json"  # another provider, loaded by the CLI's loader
    other.write_text(json.dumps(example("valid/minimal.json")), encoding="utf-8")
    client = Client(fsettings.meili_url, fsettings.meili_master_key)
    CourseIndexer(client, fsettings.meili_index, load_reference(), 60).load([other])
    others = _index_ids(fsettings, INVALID_ORG)
    assert len(others) == 1
    key = await new_key(redis, FULL_ORG)
    feed = example("valid/full.json")
    load_id = await _upload(http, api, key, feed)
    assert _index_ids(fsettings, FULL_ORG) == set()
    assert (await _load(http, api, key, load_id))["state"] == "queued"

    await run_worker(fsettings)

    load = await _load(http, api, key, load_id)
    assert (load["state"], load["accepted"], load["rejected"]) == ("done", 3, 0)
    assert (load["indexed"], load["removed"], load["error"]) == (3, 0, None)
    assert load["seconds"] > 0 and load["startedAt"] and load["finishedAt"]
    assert len(_index_ids(fsettings, FULL_ORG)) == 3
    assert "Lastbilsförare CE med YKB" in await _search(http, api, "lastbilsförare")
    assert await redis.exists(keys.body(load_id)) == 0

    withdrawn = feed["courses"].pop(0)
    second = await _upload(http, api, key, feed)
    await run_worker(fsettings)
    load = await _load(http, api, key, second)
    assert (load["state"], load["indexed"], load["removed"]) == ("done", 2, 1)
    assert len(_index_ids(fsettings, FULL_ORG)) == 2
    assert withdrawn["title"]["sv"] not in await _search(http, api, "lastbilsförare")
    assert _index_ids(fsettings, INVALID_ORG) == others  # the other provider untouched


async def test_a_load_whose_feed_expired_fails_and_changes_nothing(
        fsettings: Settings, api: str, http: httpx.AsyncClient, redis: Redis) -> None:
    key = await new_key(redis, FULL_ORG)
    load_id = await _upload(http, api, key, example("valid/full.json"))
    await redis.delete(keys.body(load_id))
    await run_worker(fsettings)
    load = await _load(http, api, key, load_id)
    assert (load["state"], load["error"], load["indexed"]) == ("failed", EXPIRED, None)
    assert _index_ids(fsettings, FULL_ORG) == set()


async def test_one_load_per_provider_at_a_time_and_a_finished_load_is_not_repeated(
        fsettings: Settings, api: str, http: httpx.AsyncClient, redis: Redis,
        queue: ArqRedis) -> None:
    key = await new_key(redis, FULL_ORG)
    load_id = await _upload(http, api, key, example("valid/full.json"))
    ctx = {"settings": fsettings, "redis": queue, "job_try": 1}
    await redis.set(keys.lock(FULL_ORG), "another load", px=60_000)
    with pytest.raises(Retry):
        await load_provider_feed(ctx, load_id)
    assert (await _load(http, api, key, load_id))["state"] == "queued"
    assert _index_ids(fsettings, FULL_ORG) == set()
    await redis.delete(keys.lock(FULL_ORG))
    assert (await load_provider_feed(ctx, load_id)).startswith("done")
    assert await redis.exists(keys.lock(FULL_ORG)) == 0  # released
    Client(fsettings.meili_url, fsettings.meili_master_key).index(
        fsettings.meili_index).delete_all_documents()
    assert (await load_provider_feed(ctx, load_id)).startswith("nothing to do")
    assert (await _load(http, api, key, load_id))["state"] == "done"


async def test_an_older_feed_never_replaces_a_newer_one(
        fsettings: Settings, api: str, http: httpx.AsyncClient, redis: Redis,
        queue: ArqRedis) -> None:
    key = await new_key(redis, FULL_ORG)
    feed = example("valid/full.json")
    older = await _upload(http, api, key, feed)
    feed["courses"].pop(0)
    newer = await _upload(http, api, key, feed)
    await run_worker(fsettings)  # whichever order it takes them in
    assert len(_index_ids(fsettings, FULL_ORG)) == 2
    load = await _load(http, api, key, older)
    assert (load["state"], load["indexed"]) == ("failed", None)
    assert load["error"] == SUPERSEDED.format(newer)
    assert (await _load(http, api, key, newer))["state"] == "done"

    oldest_first = await _upload(http, api, key, example("valid/full.json"))
    latest = await _upload(http, api, key, feed)
    ctx = {"settings": fsettings, "redis": queue, "job_try": 1}
    assert (await load_provider_feed(ctx, latest)).startswith("done")
    assert await load_provider_feed(ctx, oldest_first) == "superseded"  # after the newer ran
    assert (await _load(http, api, key, oldest_first))["error"] == SUPERSEDED.format(latest)
    assert len(_index_ids(fsettings, FULL_ORG)) == 2


async def test_a_timed_out_load_keeps_the_providers_lock_while_its_thread_may_still_write(
        feed_settings: FeedSettings, meili_binary: Path, tmp_path: Path,
        http: httpx.AsyncClient, redis: Redis) -> None:
    port, master_key = free_port(), secrets.token_urlsafe(24)
    meili = start_meilisearch(meili_binary, tmp_path, port, master_key, tmp_path / "meili.log")
    settings = feed_settings(MEILI_URL=f"http://127.0.0.1:{port}", MEILI_MASTER_KEY=master_key,
                             WORKER_JOB_TIMEOUT_SECONDS="2")
    key = await new_key(redis, FULL_ORG)
    assert meili.process is not None
    try:
        with serve(settings) as api:
            load_id = await _upload(http, api, key, example("valid/full.json"))
            meili.process.send_signal(signal.SIGSTOP)  # the load hangs in its thread
            try:
                await run_worker(settings)  # the job times out after 2 s
                assert (await _load(http, api, key, load_id))["state"] == "running"
                lock_ttl = await redis.pttl(keys.lock(FULL_ORG))
                assert 0 < lock_ttl <= 2 * 2000  # kept, and expiring after a job timeout
            finally:
                meili.process.send_signal(signal.SIGCONT)
    finally:
        meili.stop()


async def test_a_load_is_retried_while_meilisearch_is_down_then_recorded_as_failed(
        feed_settings: FeedSettings, meili_binary: Path, tmp_path: Path,
        http: httpx.AsyncClient, redis: Redis, queue: ArqRedis) -> None:
    port, master_key = free_port(), secrets.token_urlsafe(24)
    meili = start_meilisearch(meili_binary, tmp_path, port, master_key, tmp_path / "meili.log")
    settings = feed_settings(MEILI_URL=f"http://127.0.0.1:{port}", MEILI_MASTER_KEY=master_key)
    key = await new_key(redis, FULL_ORG)
    with serve(settings) as api:
        load_id = await _upload(http, api, key, example("valid/full.json"))
        meili.kill()  # SIGKILL: the worker's writes are refused
        ctx = {"settings": settings, "redis": queue}
        for attempt in range(1, FEED_LOAD_TRIES):
            with pytest.raises(Retry):
                await load_provider_feed({**ctx, "job_try": attempt}, load_id)
            assert (await _load(http, api, key, load_id))["state"] == "queued"
        outcome = await load_provider_feed({**ctx, "job_try": FEED_LOAD_TRIES}, load_id)
        assert outcome.startswith("failed")
        load = await _load(http, api, key, load_id)
    assert (load["state"], load["error"], load["indexed"]) == ("failed", FAILED, None)
    assert await redis.exists(keys.body(load_id)) == 0
    assert await redis.exists(keys.lock(FULL_ORG)) == 0
