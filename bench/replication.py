"""What acknowledging a registration only once a replica has it (``WAIT``) costs.

    .venv/bin/python bench/replication.py [--registrations 3000] [--concurrency 32]
                                          [--rounds 3]

Starts a Redis master with one replica and three Sentinels on free loopback ports
(``devstack.sentinel``; both servers ``appendfsync always``, as the API expects), then
sends ``--registrations`` reserve scripts (``RegistrationStore.reserve``, what a
registration writes) from ``--concurrency`` tasks through the Sentinel-managed client
(``core.redis_clients``), alternating rounds:

* ``no WAIT``: the engine beneath, the script alone (``REDIS_WAIT_REPLICAS=0``);
* ``WAIT 1``: our path, the script and ``WAIT 1`` in one pipeline
  (``REDIS_WAIT_REPLICAS=1``), answered once the replica has it.

Prints registrations/s of each (the best of ``--rounds``), and the ratio. Then the same
for the worker's delivery markers of one email each (``workers.markers``: claim,
``committing`` before the final dot, ``sent`` after it) on the registrations just made:
``no WAIT``, and our path, where ``committing`` and ``sent`` each wait for the replica.
Every process is stopped and the temporary folder removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from redis.asyncio import Redis

from core.durability import aof_wait
from core.errors import ServiceUnavailable
from core.redis_clients import redis_client
from core.settings import Settings
from core.visits.models import Address, Language, Registration, RegistrationStatus, Visit
from core.visits.store import RegistrationStore, ReserveOutcome
from devstack.sentinel import MASTER_NAME, sentinel_cluster
from workers.markers import Markers, MarkerUnconfirmed


def _settings(sentinels: str, replicas: int) -> Settings:
    return Settings.from_env({
        "MEILI_URL": "http://127.0.0.1:7700", "MEILI_MASTER_KEY": "bench-master-key-0123",
        "SECRET_KEY": "b" * 40, "REDIS_SENTINELS": sentinels,
        "REDIS_SENTINEL_MASTER": MASTER_NAME, "REDIS_WAIT_REPLICAS": str(replicas),
        "REDIS_TIMEOUT_SECONDS": "5"})


def _visit(capacity: int) -> Visit:
    return Visit(id="BENCH~V1", visit_id="V1", course_id="BENCH", course_title="Bench",
                 course_title_en=None, provider_name="Bench AB", municipality_name="Malmö",
                 start="2030-01-01T10:00:00+01:00", start_ts=1_893_488_400,
                 duration_minutes=60, capacity=capacity,
                 address=Address("Gatan 1", "211 00", "Malmö"), contact_name="Bench",
                 contact_email="bench@example.se")


async def reserves(settings: Settings, tag: str, count: int, concurrency: int) -> float:
    """Registrations per second for ``count`` reserve scripts."""
    redis = redis_client(settings)
    store = RegistrationStore(redis, aof_wait(settings))
    visit = _visit(capacity=10_000_000)
    now = int(time.time())
    numbers = iter(range(count))

    async def one_task() -> None:
        for i in numbers:
            registration = Registration(
                id=f"{tag}-{i}", status=RegistrationStatus.PENDING, visit=visit,
                name=f"Bench Person {i}", email=f"{tag}{i}@example.se", phone=None,
                language=Language.SV, created_at=now, updated_at=now, expires_at=now + 86_400)
            try:
                reserved = await store.reserve(registration, f"{tag}-digest-{i}", now)
            except ServiceUnavailable:  # not confirmed in time: taken back, counted
                unavailable.append(i)
                continue
            if reserved.outcome is not ReserveOutcome.OK:
                raise RuntimeError(f"reserve {i}: {reserved.outcome}")

    unavailable: list[int] = []
    seconds = await _timed(one_task, concurrency, redis)
    if unavailable:
        print(f"  {len(unavailable)} of {count} answered SERVICE_UNAVAILABLE (not counted)")
    return (count - len(unavailable)) / seconds


async def _timed(task: Callable[[], Awaitable[None]], concurrency: int, redis: Redis) -> float:
    """Seconds for ``concurrency`` copies of ``task`` to finish; ``redis`` is closed after."""
    try:
        started = time.perf_counter()
        await asyncio.gather(*(task() for _ in range(concurrency)))
        return time.perf_counter() - started
    finally:
        await redis.aclose()


async def marker_cycles(settings: Settings, tag: str, count: int, concurrency: int) -> float:
    """Emails per second whose markers go claim → committing → sent, on the registrations
    ``reserves`` made under ``tag`` (no SMTP: the markers' own cost)."""
    redis = redis_client(settings)
    markers = Markers(redis, aof_wait(settings))
    numbers = iter(range(count))
    job = "send_jobseeker_receipt"
    unconfirmed: list[int] = []

    async def one_task() -> None:
        for i in numbers:
            registration_id = f"{tag}-{i}"
            claim = await markers.claim(registration_id, job, "bench", 60_000)
            if claim.state.value == "GONE":  # its registration was not confirmed
                continue
            if claim.state.value != "CLAIMED":
                raise RuntimeError(f"claim {i}: {claim.state}")
            try:
                await markers.commit(registration_id, job, "bench", 60_000)
                await markers.finish(registration_id, job, "bench", "sent:1", confirm=True)
            except MarkerUnconfirmed:
                unconfirmed.append(i)

    seconds = await _timed(one_task, concurrency, redis)
    if unconfirmed:
        print(f"  {len(unconfirmed)} of {count} not confirmed in time (counted)")
    return count / seconds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-replication-") as folder, \
            sentinel_cluster(Path(folder), replicas=1) as cluster:
        plain = _settings(cluster.sentinel_setting, 0)
        waited = _settings(cluster.sentinel_setting, 1)
        asyncio.run(reserves(plain, "warm", 500, args.concurrency))
        best = {"no WAIT": 0.0, "WAIT 1": 0.0}
        for round_number in range(args.rounds):
            for name, settings in (("no WAIT", plain), ("WAIT 1", waited)):
                rate = asyncio.run(reserves(settings, f"r{round_number}{name[0]}",
                                            args.registrations, args.concurrency))
                best[name] = max(best[name], rate)
                print(f"round {round_number + 1} {name:8} {rate:7.0f} registrations/s",
                      flush=True)
        emails = {"no WAIT": 0.0, "WAIT 1": 0.0}
        for round_number in range(args.rounds):
            for name, settings in (("no WAIT", plain), ("WAIT 1", waited)):
                rate = asyncio.run(marker_cycles(settings, f"r{round_number}{name[0]}",
                                                 args.registrations, args.concurrency))
                emails[name] = max(emails[name], rate)
                print(f"round {round_number + 1} {name:8} {rate:7.0f} email markers/s",
                      flush=True)
    print(f"best: no WAIT (engine) {best['no WAIT']:.0f}/s, WAIT 1 (our path) "
          f"{best['WAIT 1']:.0f}/s, ratio {best['WAIT 1'] / best['no WAIT']:.2f} "
          f"({args.concurrency} concurrent, master and replica appendfsync always)")
    print(f"email markers: no WAIT {emails['no WAIT']:.0f}/s, WAIT 1 {emails['WAIT 1']:.0f}/s, "
          f"ratio {emails['WAIT 1'] / emails['no WAIT']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
