"""Two real Meilisearch instances behind ``MEILI_URLS``: searches go on through one while
the other is stopped (SIGSTOP), a resumed one is back in service after its take-out, and a
load reaches both or changes the version on none."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from meilisearch import Client
from redis import Redis

from core.search import index_version
from core.settings import Settings
from devstack.mailsink import MailSink
from devstack.processes import ManagedProcess, free_port, start_meilisearch
from indexer.cli import make_indexer
from indexer.replicas import InstancesDiffer
from tests.conftest import RedisServer
from tests.factories import make_course, make_feed, organisation_number
from tests.live_app import serve

pytestmark = pytest.mark.slow

REPLICA_DB = 7
MEILI_TIMEOUT_SECONDS = 1.0
TAKEOUT_SECONDS = 3.0
LOAD_SECONDS = 14.0
SEARCH = """query S($q: String!) {
  searchCourses(query: $q, first: 5) { totalCount edges { node { id title } } }
}"""


@dataclass
class Instance:
    port: int
    folder: Path
    process: ManagedProcess

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process.process is not None
        return self.process.process.pid


@dataclass
class Replicas:
    instances: list[Instance]
    key: str
    settings: Settings
    redis: Redis

    def restart(self, instance: Instance, binary: Path) -> None:
        instance.process.stop()
        instance.process = start_meilisearch(binary, instance.folder, instance.port, self.key)

    def ids(self, instance: Instance) -> set[str]:
        index = Client(instance.url, self.key).index(self.settings.meili_index)
        return {doc.id for doc in index.get_documents({"fields": ["id"], "limit": 1000}).results}

    def version(self) -> str | None:
        value = self.redis.get(index_version.version_key(self.settings.meili_index))
        return None if value is None else str(value)


@pytest.fixture
def replicas(meili_binary: Path, tmp_path: Path, redis_server: RedisServer,
             smtp_sink: MailSink) -> Iterator[Replicas]:
    key = secrets.token_urlsafe(24)
    redis_url = f"redis://127.0.0.1:{redis_server.port}/{REPLICA_DB}"
    redis = Redis.from_url(redis_url, decode_responses=True)
    redis.flushdb()
    with contextlib.ExitStack() as stack:
        instances = []
        for number in range(2):
            port, folder = free_port(), tmp_path / f"meili{number}"
            process = start_meilisearch(meili_binary, folder, port, key)
            stack.callback(lambda n=number: instances[n].process.stop())
            instances.append(Instance(port, folder, process))
        settings = Settings.from_env({
            "MEILI_URLS": ",".join(i.url for i in instances), "MEILI_MASTER_KEY": key,
            "MEILI_INDEX": "replicated", "REDIS_URL": redis_url, "SECRET_KEY": "s" * 40,
            "SMTP_HOST": smtp_sink.host, "SMTP_PORT": str(smtp_sink.port),
            "SEARCH_CACHE_SIZE": "0", "REDIS_DURABILITY": "none",
            "MEILI_TIMEOUT_SECONDS": str(MEILI_TIMEOUT_SECONDS),
            "MEILI_TAKEOUT_SECONDS": str(TAKEOUT_SECONDS)})
        yield Replicas(instances, key, settings, redis)
        for instance in instances:
            with contextlib.suppress(ProcessLookupError):
                os.kill(instance.pid, signal.SIGCONT)
    redis.close()


def _feed(folder: Path, prefix: str, count: int) -> Path:
    path = folder / f"{prefix}.json"
    feed = make_feed([make_course(f"{prefix}{n}") for n in range(count)],
                     organisation_number("556677889"))
    path.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
    return path


def _load(replicas: Replicas, path: Path, rebuild: bool = False) -> None:
    indexer = make_indexer(replicas.settings, quiet=True, redis=replicas.redis)
    (indexer.rebuild if rebuild else indexer.load)([path])


async def test_searches_go_on_through_one_instance_while_the_other_is_stopped(
    replicas: Replicas, tmp_path: Path,
) -> None:
    """The first instance is stopped, resumed, and once its take-out has passed the second
    is stopped: searches succeed throughout, so the first was back in service."""
    _load(replicas, _feed(tmp_path, "SPREAD", 20))
    assert replicas.ids(replicas.instances[0]) == replicas.ids(replicas.instances[1])
    first, second = (instance.pid for instance in replicas.instances)
    results: list[tuple[float, bool]] = []
    stops: list[float] = []
    with serve(replicas.settings) as api:
        async with httpx.AsyncClient(timeout=10) as client:
            started = time.monotonic()

            async def searcher(number: int) -> None:
                turn = 0
                while time.monotonic() - started < LOAD_SECONDS:
                    turn += 1
                    response = await client.post(f"{api}/graphql", json={
                        "query": SEARCH, "variables": {"q": f"kurs {number} {turn}"}})
                    ok = response.status_code == 200 and not response.json().get("errors")
                    results.append((time.monotonic(), ok))

            async def at(seconds: float, pid: int, signum: signal.Signals) -> None:
                await asyncio.sleep(seconds - (time.monotonic() - started))
                os.kill(pid, signum)
                if signum is signal.SIGSTOP:
                    stops.append(time.monotonic())

            async def faults() -> None:
                await at(1.5, first, signal.SIGSTOP)
                await at(4.0, first, signal.SIGCONT)
                # its take-out (MEILI_TAKEOUT_SECONDS from the failure) is over by now
                await at(4.0 + TAKEOUT_SECONDS + 2 * MEILI_TIMEOUT_SECONDS, second,
                         signal.SIGSTOP)

            await asyncio.gather(faults(), *(searcher(n) for n in range(6)))
    os.kill(second, signal.SIGCONT)
    failed = [at for at, ok in results if not ok]
    served = [[ok for at, ok in results if at > stopped] for stopped in stops]
    print(f"{len(results)} searches, {len(failed)} failed, "
          f"{[sum(ok) for ok in served]} succeeded after each stop")
    assert len(stops) == 2 and all(sum(ok) >= 10 for ok in served)
    # Only searches sent to a stopped instance before it was taken out may fail, and those
    # are sent once more to the other: no error at all is expected, and none after the
    # take-out window (one deadline) in any case.
    assert all(any(stopped <= at <= stopped + 2 * MEILI_TIMEOUT_SECONDS + 1
                   for stopped in stops) for at in failed), failed
    assert len(failed) <= 12


def test_a_load_while_one_instance_is_down_changes_nothing_and_a_rebuild_catches_up(
    replicas: Replicas, tmp_path: Path, meili_binary: Path,
) -> None:
    first, second = replicas.instances
    _load(replicas, _feed(tmp_path, "OLD", 5))
    version = replicas.version()
    old_ids = replicas.ids(first)
    assert version is not None and replicas.ids(second) == old_ids

    second.process.kill()
    with pytest.raises(InstancesDiffer, match="does not answer; nothing was written"):
        _load(replicas, _feed(tmp_path, "NEW", 7))
    assert replicas.version() == version
    assert replicas.ids(first) == old_ids
    status = make_indexer(replicas.settings, redis=replicas.redis).status()
    assert status["instancesBehind"] == [second.url]

    replicas.restart(second, meili_binary)
    _load(replicas, _feed(tmp_path, "NEW", 7), rebuild=True)
    assert replicas.version() != version
    new_ids = replicas.ids(first)
    assert len(new_ids) == 7 and replicas.ids(second) == new_ids
    status = make_indexer(replicas.settings, redis=replicas.redis).status()
    assert status["instancesBehind"] == []
    assert [entry["documents"] for entry in status["instances"]] == [7, 7]
