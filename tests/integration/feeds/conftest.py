"""Feed API tests: the real API over HTTP, a real arq worker, real Meilisearch and Redis.

Every test gets a Redis database of its own, emptied first (keys, load records and the
job queue can be counted exactly), and a Meilisearch index of its own.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from core.feeds.provider_keys import ProviderKeys
from core.settings import Settings
from devstack.mailsink import MailSink
from tests.conftest import MeiliServer, RedisServer, make_settings
from tests.live_app import serve

FEEDS_DB = 6
EXAMPLES = Path(__file__).resolve().parents[3] / "schema" / "examples"
FULL_ORG = "559301-4789"  # schema/examples/valid/full.json
INVALID_ORG = "556610-2348"  # schema/examples/invalid/*.json and valid/minimal.json
# The providers of schema/examples/valid/denmark-amu.json and norway-amo.json, and of the
# invalid examples made from them (invalid/dk-*.json, invalid/no-*.json).
INVALID_ORG_BY_COUNTRY = {"SE": INVALID_ORG, "DK": "39172542", "NO": "992831405"}


def example(name: str) -> dict[str, Any]:
    """A committed example feed, parsed."""
    loaded: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
async def feeds_redis_url(redis_server: RedisServer) -> AsyncIterator[str]:
    url = f"redis://127.0.0.1:{redis_server.port}/{FEEDS_DB}"
    client = Redis.from_url(url)
    await client.flushdb()
    await client.aclose()
    yield url


@pytest.fixture
async def redis(feeds_redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(feeds_redis_url)
    try:
        yield client
    finally:
        await client.aclose()


FeedSettings = Callable[..., Settings]


@pytest.fixture
def feed_settings(meili_server: MeiliServer, feeds_redis_url: str, smtp_sink: MailSink
                  ) -> FeedSettings:
    """Settings for this test's Redis database and index, with environment overrides."""
    def build(**env: str) -> Settings:
        return make_settings(meili_server, feeds_redis_url, smtp_sink,
                             **{"FEED_UPLOADS_PER_HOUR": "100", **env})
    return build


@pytest.fixture
def fsettings(feed_settings: FeedSettings) -> Settings:
    return feed_settings()


@pytest.fixture
def api(fsettings: Settings) -> Iterator[str]:
    with serve(fsettings) as base_url:
        yield base_url


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


async def new_key(redis: Redis, organisation_number: str) -> str:
    """A fresh provider key for the organisation, as the CLI creates it."""
    return (await ProviderKeys(redis).create(organisation_number)).key


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
