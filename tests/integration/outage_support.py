"""A Meilisearch and a Redis of a test's own, to stall (SIGSTOP) and kill, and a counting
TCP proxy in front of Meilisearch that tells how many searches the API sent it.

The session's servers are never touched: other tests keep using them.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from meilisearch import Client
from redis import Redis as SyncRedis

from core.reference import load_reference
from core.settings import Settings
from core.visits.visit_records import VisitRecords
from devstack.counting_proxy import CountingProxy
from devstack.mailsink import MailSink
from devstack.processes import ManagedProcess, free_port, start_meilisearch, start_redis
from indexer.loader import CourseIndexer
from tests.conftest import MeiliServer, make_settings


@dataclass
class OutageStack:
    """Settings for an API in front of ``meili`` (through ``proxy``) and ``redis``."""

    settings: Settings
    meili: ManagedProcess
    meili_port: int
    redis: ManagedProcess
    redis_port: int
    proxy: CountingProxy

    def sync_redis(self) -> SyncRedis:
        return SyncRedis.from_url(self.settings.redis_url)

    def load(self, feeds: list[Path]) -> None:
        """Load feeds as the indexer CLI does: visit records in Redis too."""
        client = Client(f"http://127.0.0.1:{self.meili_port}", self.settings.meili_master_key)
        indexer = CourseIndexer(client, self.settings.meili_index, load_reference(), 60,
                                visit_records=VisitRecords(self.sync_redis(),
                                                           self.settings.meili_index))
        summary = indexer.load(feeds)
        assert summary.rejected == 0, [str(r) for r in summary.rejections]


@contextmanager
def outage_stack(meili_binary: Path, folder: Path, sink: MailSink, **env: str
                 ) -> Iterator[OutageStack]:
    """Meilisearch, Redis and the proxy, stopped (and resumed first) at the end."""
    meili_port, redis_port = free_port(), free_port()
    key = "outage-test-master-key"
    meili = start_meilisearch(meili_binary, folder / "meili", meili_port, key,
                              folder / "meili.log")
    redis = start_redis(redis_port, folder / "redis")
    proxy = CountingProxy(meili_port)
    server = MeiliServer(f"http://127.0.0.1:{proxy.port}", key, meili)
    settings = make_settings(server, f"redis://127.0.0.1:{redis_port}/0", sink,
                             MEILI_INDEX="outages", **env)
    try:
        yield OutageStack(settings, meili, meili_port, redis, redis_port, proxy)
    finally:
        for process in (meili, redis):
            resume(process)
            process.stop()
        proxy.close()


def stall(process: ManagedProcess) -> None:
    assert process.process is not None
    process.process.send_signal(signal.SIGSTOP)


def resume(process: ManagedProcess) -> None:
    if process.running():
        assert process.process is not None
        process.process.send_signal(signal.SIGCONT)


@contextmanager
def stalled(process: ManagedProcess) -> Iterator[None]:
    stall(process)
    try:
        yield
    finally:
        resume(process)


async def timed(request: Awaitable[httpx.Response]) -> tuple[httpx.Response, float]:
    """The response and the seconds it took."""
    started = time.monotonic()
    response = await request
    return response, time.monotonic() - started


def assert_no_address(text: str, *ports: int) -> None:
    """Nothing a client sees names a host, a port or a driver message."""
    assert "127.0.0.1" not in text and "localhost" not in text, text
    for port in ports:
        assert str(port) not in text, text
    assert "Error 111" not in text and "Connection refused" not in text, text


def service_unavailable(body: dict[str, Any]) -> None:
    """A typed outage error (``api/graphql_app.py`` maps ``ServiceUnavailable``)."""
    errors = body.get("errors") or []
    assert errors, body
    assert errors[0].get("extensions", {}).get("code") == "SERVICE_UNAVAILABLE", body
