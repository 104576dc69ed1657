"""Study-visit tests: a small index of our own, the real API over HTTP, a real worker.

The index holds one provider's courses with visits at known times and capacities
(relative to now). Every test gets a Redis database of its own, emptied first, so keys
and queued jobs can be counted exactly.
"""

from __future__ import annotations

import asyncio
import copy
import datetime
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from arq.connections import ArqRedis, RedisSettings, create_pool
from meilisearch import Client
from redis import Redis as SyncRedis
from redis.asyncio import Redis

from core.reference import load_reference
from core.settings import Settings
from core.visits.catalog import find_visit
from core.visits.models import Visit
from core.visits.visit_records import VisitRecords
from devstack.mailsink import MailSink
from indexer.documents import course_document_id, study_visit_id
from indexer.loader import CourseIndexer
from tests.conftest import MeiliServer, RedisServer, make_settings
from tests.factories import make_course, make_feed, organisation_number
from tests.live_app import serve

# Races of hundreds of concurrent requests, marked ``slow`` here as their modules do not
# mark them: they run alone, in the second stage of scripts/test.sh (beside other tests,
# the load they add and meet makes them fail for the wrong reason).
RACES = {("test_waitlist.py", "test_race_of_200_registrations_and_20_cancellations")}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if (item.path.name, getattr(item, "originalname", item.name)) in RACES:
            item.add_marker(pytest.mark.slow)


ORG = organisation_number("559012345")
VISITS_DB = 5
TEST_ENV = {
    "REGISTRATION_RATE_LIMIT_PER_IP": "10000",
    "REGISTRATION_RATE_LIMIT_PER_EMAIL": "100",
    "EMAIL_RETRY_BASE_SECONDS": "0.2",
    "EMAIL_RETRY_MAX_SECONDS": "1",
    "SMTP_TIMEOUT_SECONDS": "2",
    "SMTP_DATA_TIMEOUT_SECONDS": "3",
    "WORKER_JOB_TIMEOUT_SECONDS": "10",
}


def _iso(moment: datetime.datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class VisitIndex:
    """The index's visits by role, and the settings pointing at it."""

    meili: MeiliServer
    index: str
    feed_path: Path
    feed: dict[str, Any]
    five_seats: str
    two_seats: str
    tomorrow: str
    roomy: str
    past: str

    def course_of(self, visit_id: str) -> str:
        return visit_id.split("~")[0]


def build_feed(now: datetime.datetime) -> dict[str, Any]:
    tz = datetime.timezone(datetime.timedelta(hours=1))
    local = now.astimezone(tz)
    in_ten_days = local + datetime.timedelta(days=10)
    tomorrow = (local + datetime.timedelta(days=1)).replace(hour=13, minute=0)
    visits = [
        {"id": "FIVE", "start": _iso(in_ten_days), "durationMinutes": 90, "capacity": 5},
        {"id": "TWO", "start": _iso(in_ten_days + datetime.timedelta(days=1)),
         "durationMinutes": 60, "capacity": 2},
        # Its own closing time (feed 1.1): open until two hours before, whenever tests run.
        {"id": "TOMORROW", "start": _iso(tomorrow), "durationMinutes": 60, "capacity": 10,
         "registrationClosesHoursBefore": 2},
        {"id": "PAST", "start": _iso(local - datetime.timedelta(days=2)), "durationMinutes": 60,
         "capacity": 10},
    ]
    roomy = [{"id": "ROOMY", "start": _iso(in_ten_days + datetime.timedelta(days=2)),
              "durationMinutes": 120, "capacity": 200}]
    return make_feed([
        make_course("VISITS1", studyVisits=visits),
        make_course("VISITS2", studyVisits=roomy,
                    contact={"name": "Olle Berg", "email": "olle@utbildning.example",
                             "phone": "040-12 34 56"}),
    ], ORG)


def load_feed(meili: MeiliServer, index: str, path: Path, feed: dict[str, Any]) -> None:
    path.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
    client = Client(meili.url, meili.master_key)
    summary = CourseIndexer(client, index, load_reference(), 60).load([path])
    assert summary.rejected == 0, [str(r) for r in summary.rejections]


@pytest.fixture(scope="session")
def visit_index(meili_server: MeiliServer, tmp_path_factory: pytest.TempPathFactory
                ) -> VisitIndex:
    feed = build_feed(datetime.datetime.now(datetime.UTC))
    path = tmp_path_factory.mktemp("visit-feed") / "feed.json"
    index = "visits_test"
    load_feed(meili_server, index, path, feed)

    def vid(course: str, visit: str) -> str:
        return study_visit_id(course_document_id(ORG, course), visit)

    return VisitIndex(meili_server, index, path, feed, vid("VISITS1", "FIVE"),
                      vid("VISITS1", "TWO"), vid("VISITS1", "TOMORROW"),
                      vid("VISITS2", "ROOMY"), vid("VISITS1", "PAST"))


def visit_settings(visit_index: VisitIndex, redis_url: str, sink: MailSink, **env: str
                   ) -> Settings:
    return make_settings(visit_index.meili, redis_url, sink,
                         **{**TEST_ENV, "MEILI_INDEX": visit_index.index, **env})


def with_visits(feed: dict[str, Any], change: Any) -> dict[str, Any]:
    """The feed with its first course's visits changed by ``change``."""
    updated = copy.deepcopy(feed)
    visits = updated["courses"][0]["studyVisits"]
    updated["courses"][0]["studyVisits"] = change(visits)
    return updated


@pytest.fixture
def own_index(visit_index: VisitIndex, tmp_path: Path) -> tuple[str, Path]:
    """An index of this test's own, loaded with the shared feed."""
    uid = f"visits_{uuid.uuid4().hex[:10]}"
    path = tmp_path / "feed.json"
    load_feed(visit_index.meili, uid, path, visit_index.feed)
    return uid, path


@pytest.fixture
async def redis_url(redis_server: RedisServer) -> AsyncIterator[str]:
    """A Redis database of this test's own, empty at the start."""
    url = f"redis://127.0.0.1:{redis_server.port}/{VISITS_DB}"
    client = Redis.from_url(url)
    await client.flushdb()
    await client.aclose()
    yield url


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    """A client of this test's Redis database, closed after the test."""
    client = Redis.from_url(redis_url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def queue(redis_url: str) -> AsyncIterator[ArqRedis]:
    """An arq pool on this test's Redis database (jobs go to its queue), closed after."""
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    try:
        yield pool
    finally:
        await pool.aclose()


@pytest.fixture
def vsettings(visit_index: VisitIndex, redis_url: str, smtp_sink: MailSink) -> Settings:
    smtp_sink.clear()
    return visit_settings(visit_index, redis_url, smtp_sink)


@pytest.fixture
def api(vsettings: Settings) -> Iterator[str]:
    with serve(vsettings) as base_url:
        yield base_url


async def indexed_visit(settings: Settings, visit_id: str) -> Visit:
    """The visit as the index has it (for tests that store a registration directly)."""
    async with httpx.AsyncClient(
            base_url=settings.meili_url,
            headers={"Authorization": f"Bearer {settings.meili_master_key}"}) as meili:
        visit = await find_visit(meili, settings.meili_index, visit_id)
    assert visit is not None
    return visit


REGISTER = """
mutation Register($input: RegisterForStudyVisitInput!) {
  registerForStudyVisit(input: $input) {
    registration { id status courseTitle visit { id capacity seatsLeft start } }
    errors { field message code }
  }
}
"""


def registration_input(visit_id: str, email: str, name: str = "Ann Andersson",
                       **extra: Any) -> dict[str, Any]:
    return {"visitId": visit_id, "name": name, "email": email, "phone": "070-123 45 67",
            "language": "SV", "consent": True, **extra}


async def register(client: httpx.AsyncClient, base_url: str, variables: dict[str, Any]
                   ) -> dict[str, Any]:
    response = await client.post(f"{base_url}/graphql",
                                 json={"query": REGISTER, "variables": {"input": variables}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["registerForStudyVisit"]
    return payload


async def write_visit_records(settings: Settings) -> None:
    """The visit records as the indexer CLI writes them, in this test's Redis database."""
    async with httpx.AsyncClient(
            base_url=settings.meili_url,
            headers={"Authorization": f"Bearer {settings.meili_master_key}"}) as meili:
        response = await meili.get(f"/indexes/{settings.meili_index}/documents",
                                   params={"limit": 1000})
    documents = response.json()["results"]
    with SyncRedis.from_url(settings.redis_url) as sync:
        VisitRecords(sync, settings.meili_index).rebuilt(documents)


async def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.02)
