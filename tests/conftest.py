"""Real services for the tests: a Meilisearch and a Redis of their own, and an SMTP sink.

Each is started once per test session on a free port with a temporary data folder, and
stopped at the end. Tests that need a server they can kill start their own with the
helpers in ``devstack.processes``.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.settings import Settings
from devstack.mailsink import MailSink
from devstack.meilisearch_binary import ensure_meilisearch
from devstack.processes import ManagedProcess, free_port, start_meilisearch, start_redis


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
