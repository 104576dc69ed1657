"""The visits' records in Redis, written by the indexer's loads and rebuilds."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from meilisearch import Client
from redis import Redis as SyncRedis
from redis.asyncio import Redis

from core.reference import load_reference
from core.settings import Settings
from core.visits.catalog import find_visit
from core.visits.visit_records import (
    VisitRecords,
    find_visit_record,
    providers_key,
    records_key,
)
from indexer.documents import course_document_id, study_visit_id
from indexer.loader import CourseIndexer
from tests.conftest import RedisServer
from tests.factories import make_course, make_feed, organisation_number
from tests.integration.visits.conftest import indexed_visit

ORG_A = organisation_number("556111222")
ORG_B = organisation_number("556333444")
RECORDS_DB = 7


def _visits(*ids: str) -> list[dict[str, Any]]:
    return [{"id": i, "start": "2027-03-02T10:00:00+01:00", "durationMinutes": 45,
             "capacity": 4} for i in ids]


def _write(folder: Path, name: str, feed: dict[str, Any]) -> Path:
    path = folder / f"{name}.json"
    path.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[Redis]:
    url = f"redis://127.0.0.1:{redis_server.port}/{RECORDS_DB}"
    client = Redis.from_url(url)
    await client.flushdb()
    try:
        yield client
    finally:
        await client.aclose()


def _indexer(settings: Settings, redis_server: RedisServer) -> CourseIndexer:
    sync = SyncRedis(port=redis_server.port, db=RECORDS_DB)
    return CourseIndexer(Client(settings.meili_url, settings.meili_master_key),
                         settings.meili_index, load_reference(), 60,
                         visit_records=VisitRecords(sync, settings.meili_index))


def _vid(org: str, course: str, visit: str) -> str:
    return study_visit_id(course_document_id(org, course), visit)


async def _ids(redis: Redis, index: str) -> set[str]:
    return {key.decode() for key in await redis.hkeys(records_key(index))}


async def test_records_equal_the_index_and_follow_loads_and_rebuilds(
        settings: Settings, redis: Redis, redis_server: RedisServer, tmp_path: Path) -> None:
    indexer = _indexer(settings, redis_server)
    index = settings.meili_index
    a1 = make_course("A1", studyVisits=_visits("X", "Y"))
    a2 = make_course("A2", studyVisits=_visits("Z"))
    feed_a = _write(tmp_path, "a", make_feed([a1, a2], ORG_A))
    feed_b = _write(tmp_path, "b", make_feed([make_course("B1", studyVisits=_visits("W"))],
                                             ORG_B, name="Norrlands Utbildning AB"))
    indexer.load([feed_a, feed_b])
    assert await _ids(redis, index) == {
        _vid(ORG_A, "A1", "X"), _vid(ORG_A, "A1", "Y"), _vid(ORG_A, "A2", "Z"),
        _vid(ORG_B, "B1", "W")}
    visit_id = _vid(ORG_A, "A1", "Y")
    assert await find_visit_record(redis, index, visit_id) == await indexed_visit(
        settings, visit_id)  # what registration reads equals what the index has

    # A's next feed drops visit Y and course A2: both withdrawn; B untouched.
    a1_only_x = make_course("A1", studyVisits=_visits("X"))
    indexer.load([_write(tmp_path, "a", make_feed([a1_only_x], ORG_A))])
    assert await _ids(redis, index) == {_vid(ORG_A, "A1", "X"), _vid(ORG_B, "B1", "W")}
    assert await find_visit_record(redis, index, visit_id) is None

    # A rejected record keeps its course's last good visits, as the index does.
    broken = make_course("A1", studyVisits=_visits("NEW"), places=-1)
    new_course = make_course("A3", studyVisits=_visits("Q"))
    summary = indexer.load([_write(tmp_path, "a", make_feed([broken, new_course], ORG_A))])
    assert summary.rejected == 1
    assert await _ids(redis, index) == {
        _vid(ORG_A, "A1", "X"), _vid(ORG_A, "A3", "Q"), _vid(ORG_B, "B1", "W")}

    # A rebuild from B's feed alone leaves exactly B's visits.
    indexer.rebuild([feed_b])
    assert await _ids(redis, index) == {_vid(ORG_B, "B1", "W")}
    assert json.loads(await redis.hget(providers_key(index), ORG_B) or b"{}") == {
        _vid(ORG_B, "B1", "W"): course_document_id(ORG_B, "B1")}
    assert await redis.hget(providers_key(index), ORG_A) is None
    async with httpx.AsyncClient(base_url=settings.meili_url, headers={
            "Authorization": f"Bearer {settings.meili_master_key}"}) as meili:
        assert await find_visit(meili, index, _vid(ORG_A, "A1", "X")) is None  # index agrees
