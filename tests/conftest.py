"""Real services for the tests: a Meilisearch and a Redis of their own, an SMTP sink,
and a Meilisearch index loaded once per session with a sample generated for today.

Each is started once per test session on a free port with a temporary data folder, and
stopped at the end. Tests that need a server they can kill start their own with the
helpers in ``devstack.processes``.
"""

from __future__ import annotations

import datetime
import json
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from meilisearch import Client

from core.reference import load_reference
from core.settings import Settings
from devstack.mailsink import MailSink
from devstack.meilisearch_binary import ensure_meilisearch
from devstack.processes import ManagedProcess, free_port, start_meilisearch, start_redis
from devstack.sample_feeds import generate_feeds
from indexer.documents import to_search_document
from indexer.loader import CourseIndexer


@dataclass(frozen=True)
class MeiliServer:
    url: str
    master_key: str
    process: ManagedProcess


@dataclass(frozen=True)
class RedisServer:
    url: str
    port: int
    process: ManagedProcess


@pytest.fixture(scope="session")
def meili_binary() -> Path:
    return ensure_meilisearch()


@pytest.fixture(scope="session")
def meili_server(
    meili_binary: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MeiliServer]:
    data_dir = tmp_path_factory.mktemp("meili")
    port = free_port()
    key = secrets.token_urlsafe(24)
    process = start_meilisearch(meili_binary, data_dir, port, key, data_dir / "meili.log")
    try:
        yield MeiliServer(f"http://127.0.0.1:{port}", key, process)
    finally:
        process.stop()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    data_dir = tmp_path_factory.mktemp("redis")
    port = free_port()
    process = start_redis(port, data_dir)
    try:
        yield RedisServer(f"redis://127.0.0.1:{port}/0", port, process)
    finally:
        process.stop()


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[MailSink]:
    sink = MailSink(free_port()).start()
    try:
        yield sink
    finally:
        sink.stop()


def make_settings(meili: MeiliServer, redis_url: str, sink: MailSink, **overrides: str) -> Settings:
    env = {
        "MEILI_URL": meili.url,
        "MEILI_MASTER_KEY": meili.master_key,
        "MEILI_INDEX": f"courses_{uuid.uuid4().hex[:12]}",
        "REDIS_URL": redis_url,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "SMTP_HOST": sink.host,
        "SMTP_PORT": str(sink.port),
        "PUBLIC_BASE_URL": "http://testserver",
        "DEVELOPMENT": "false",
    }
    env.update(overrides)
    return Settings.from_env(env)


@pytest.fixture
def settings(meili_server: MeiliServer, redis_server: RedisServer, smtp_sink: MailSink) -> Settings:
    """Settings pointing at the session's services, with an index of this test's own."""
    return make_settings(meili_server, redis_server.url, smtp_sink)


SAMPLE_PROVIDERS = 80
SAMPLE_COURSES = 2000


@dataclass(frozen=True)
class SampleIndex:
    """Settings of an index holding exactly ``documents``, built from ``feeds``."""

    settings: Settings
    feeds: list[dict[str, Any]]
    documents: list[dict[str, Any]]


@pytest.fixture(scope="session")
def sample_index(
    meili_server: MeiliServer,
    redis_server: RedisServer,
    smtp_sink: MailSink,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SampleIndex]:
    feeds = generate_feeds(
        providers=SAMPLE_PROVIDERS, courses=SAMPLE_COURSES, today=datetime.date.today()
    )
    folder: Path = tmp_path_factory.mktemp("sample-feeds")
    paths = []
    for number, feed in enumerate(feeds):
        path = folder / f"{number:03d}.json"
        path.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    settings = make_settings(meili_server, redis_server.url, smtp_sink, MEILI_INDEX="sample")
    reference = load_reference()
    client = Client(settings.meili_url, settings.meili_master_key)
    summary = CourseIndexer(client, settings.meili_index, reference, 120).rebuild(paths)
    assert summary.rejected == 0, [str(r) for r in summary.rejections]
    documents = [
        to_search_document(feed["provider"], course, reference)
        for feed in feeds
        for course in feed["courses"]
    ]
    assert summary.indexed == len(documents) == SAMPLE_COURSES
    yield SampleIndex(settings, feeds, documents)
