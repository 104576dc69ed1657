"""Email throughput: one worker against a plain aiosmtplib pooled loop, in one run.

    .venv/bin/python bench/email_throughput.py [--emails 2000] [--rate 100] [--seconds 10]
        [--profile FILE]

Starts its own Redis (append-only, fsync always, as in production) and an aiosmtpd sink
in a process of its own (it notes each message's Message-ID and arrival time), on free
loopback ports in a temporary folder. No Meilisearch is needed: registrations are
stored as the registration service stores them, for a visit built here.

1. ``plain loop``: ``--emails`` messages composed as the worker composes them, sent over
   ``SMTP_POOL_SIZE`` aiosmtplib connections opened beforehand, each sending one message
   after the other (the engine alone, same work, no Redis and no markers).
2. ``worker``: the emails of ``--emails``/2 registrations queued while no worker runs,
   then one ``python -m workers run`` started. Both rates are the sink's: messages from
   the first to the last arrival; the ratio is worker / plain loop.
3. ``latency``: with the worker running, ``--rate`` registrations per second for
   ``--seconds`` seconds, each stored and its two emails queued as the API does; the time
   from a registration's emails queued to each one's arrival at the sink (p50, p95, max).

Also prints the CPU time per email of both sides (the plain loop's without composing; the
worker's from its start-up log line to the last arrival), the worker's Redis commands per
email during 2. (:func:`per_email`) and its peak resident memory (VmHWM).
``--profile FILE`` records the worker with py-spy during 2., only samples that hold the
GIL (its CPU time, not its waits; speedscope JSON, or collapsed stacks when FILE ends in
``.txt``), when py-spy is installed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiosmtplib
from arq.connections import ArqRedis, RedisSettings, create_pool
from redis.asyncio import Redis

from core.settings import Settings
from core.visits.dispatch import Job
from core.visits.models import Language, Registration, RegistrationStatus, Visit
from devstack.email_rig import (
    ROOT,
    OwnRedis,
    expected_message_ids,
    register,
    sample_visit,
    until,
    worker_process,
)
from devstack.processes import ManagedProcess, free_port
from workers.emails import MailKind, OutgoingMail, compose

sys.path.insert(0, str(Path(__file__).resolve().parent))
from procstat import cpu_seconds, py_spy_recording

# The two emails of a registration, as the worker composes them.
OWED = ((MailKind.PROVIDER_NOTIFICATION, Job.PROVIDER_NOTIFICATION),
        (MailKind.JOBSEEKER_RECEIPT, Job.JOBSEEKER_RECEIPT))

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


def sink_main(port: int, out: Path) -> None:
    """The sink process: accept every message, note ``arrival message-id`` per line."""
    from aiosmtpd.controller import Controller

    lines: list[str] = []

    class Handler:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            content: bytes = getattr(envelope, "original_content", b"") or b""
            found = MESSAGE_ID.search(content)
            lines.append(f"{time.time():.6f} {found.group(1).decode() if found else '-'}")
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    stop = asyncio.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def dump(*_: object) -> None:
        out.write_text("\n".join(lines) + "\n")

    signal.signal(signal.SIGUSR1, dump)
    while not stop.is_set():
        time.sleep(0.05)
    controller.stop()
    dump()


class Sink:
    """The sink process and what it received (read with :meth:`arrivals`)."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.out = folder / "arrivals.txt"
        self.process = ManagedProcess(
            "sink", [sys.executable, __file__, "--sink", str(self.port), str(self.out)],
            folder / "sink.log", {"PATH": os.environ.get("PATH", "")}, ROOT).start()

    async def arrivals(self) -> dict[str, float]:
        assert self.process.process is not None
        self.out.unlink(missing_ok=True)
        self.process.process.send_signal(signal.SIGUSR1)
        await until(self.out.exists, 10, "the sink's list")
        await asyncio.sleep(0.2)
        found: dict[str, float] = {}
        for line in self.out.read_text().split("\n"):
            if line:
                at, message_id = line.split(" ", 1)
                found.setdefault(message_id, float(at))
        return found

    async def count(self) -> int:
        return len(await self.arrivals())


def bench_settings(redis_url: str, smtp_port: int) -> Settings:
    return Settings.from_env({
        "MEILI_URL": "http://127.0.0.1:9",  # not read by email jobs
        "MEILI_MASTER_KEY": "bench-master-key-0000",
        "REDIS_URL": redis_url,
        "SECRET_KEY": "bench-secret-key-" + "x" * 32,
        "SMTP_PORT": str(smtp_port),
        "EMAILS_PER_ADDRESS_PER_DAY": "1000000",
    })


def rate(times: list[float]) -> float:
    times = sorted(times)
    return (len(times) - 1) / max(times[-1] - times[0], 1e-9)


async def plain_loop(settings: Settings, sink: Sink, emails: int) -> tuple[float, float]:
    """``emails`` messages over ``smtp_pool_size`` reused aiosmtplib connections: the
    sink's rate, and the CPU seconds the sending took (composing excluded)."""
    visit = sample_visit(int(time.time()) + 10 * 86_400)
    now = int(time.time())
    messages: list[OutgoingMail] = []
    for number in range(emails):
        registration = _registration(visit, f"plain{number // 2}", now)
        kind, job = OWED[number % 2]
        messages.append(compose(kind, job.value, registration, settings, now))
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(emails):
        queue.put_nowait(number)

    async def connection() -> None:
        smtp = aiosmtplib.SMTP(hostname=settings.smtp_host, port=settings.smtp_port,
                               timeout=settings.smtp_timeout_seconds)
        await smtp.connect()
        while not queue.empty():
            mail = messages[queue.get_nowait()]
            await smtp.sendmail(mail.sender, list(mail.recipients), mail.as_bytes())
        await smtp.quit()

    cpu = time.process_time()
    await asyncio.gather(*(connection() for _ in range(settings.smtp_pool_size)))
    cpu = time.process_time() - cpu
    arrivals = await sink.arrivals()
    return rate([at for message_id, at in arrivals.items() if ".plain" in message_id]), cpu


def _registration(visit: Visit, registration_id: str, now: int) -> Registration:
    return Registration(
        id=registration_id, status=RegistrationStatus.PENDING, visit=visit,
        name="Person Nummer", email=f"person.{registration_id}@example.se", phone=None,
        language=Language.SV, created_at=now, updated_at=now, expires_at=now + 86_400)


def peak_rss_mib(process: ManagedProcess) -> float:
    assert process.process is not None
    for line in Path(f"/proc/{process.process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run(args: argparse.Namespace, folder: Path) -> None:
    own_redis = OwnRedis.start(folder / "redis")
    sink = Sink(folder)
    redis = Redis.from_url(own_redis.url)
    queue = await create_pool(RedisSettings.from_dsn(own_redis.url))
    settings = bench_settings(own_redis.url, sink.port)
    worker: ManagedProcess | None = None
    try:
        await asyncio.sleep(1.0)  # the sink's start
        visit = sample_visit(int(time.time()) + 10 * 86_400)
        plain, plain_cpu = await plain_loop(settings, sink, args.emails)
        ids = await register(settings, redis, queue, visit, args.emails // 2)
        await redis.config_resetstat()  # from here on, the worker's commands alone
        worker = worker_process(settings, folder / "worker.log").start()
        assert worker.process is not None
        form = "raw" if args.profile is not None and args.profile.suffix == ".txt" else "speedscope"
        with py_spy_recording(worker.process.pid, args.profile, "--format", form,
                              "--rate", "200", "--gil"):
            expected = expected_message_ids(ids)
            await until(lambda: _started(folder / "worker.log"), 60, "the worker's start")
            worker_cpu = cpu_seconds([worker.process.pid])
            await until(_received(sink, expected), 600, "the worker's emails")
        worker_cpu = cpu_seconds([worker.process.pid]) - worker_cpu
        commands = await redis.info("commandstats")
        arrivals = await sink.arrivals()
        ours = rate([arrivals[m] for m in expected])
        print(f"{'path':<12} {'emails':>6} {'emails/s':>9} {'ratio':>6} {'CPU ms/email':>13}")
        print(f"{'plain loop':<12} {args.emails:>6} {plain:>9.0f} {1:>6.2f} "
              f"{plain_cpu / args.emails * 1000:>13.2f}")
        print(f"{'worker':<12} {len(expected):>6} {ours:>9.0f} {ours / plain:>6.2f} "
              f"{worker_cpu / len(expected) * 1000:>13.2f}")
        print(per_email(commands, len(expected)))
        latencies = await paced(settings, sink, redis, queue, visit, args.rate, args.seconds)
        latencies.sort()
        p95 = latencies[int(len(latencies) * 0.95)]
        print(f"latency at {args.rate} registrations/s for {args.seconds} s "
              f"({len(latencies)} emails), queued to received: p50 "
              f"{statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
              f"max {latencies[-1] * 1000:.0f} ms")
        print(f"worker peak RSS: {peak_rss_mib(worker):.0f} MiB "
              f"(SMTP_POOL_SIZE {settings.smtp_pool_size})")
    finally:
        if worker is not None:
            worker.stop()
        await redis.aclose()
        await queue.aclose()
        sink.process.stop()
        own_redis.stop()


def per_email(commandstats: dict[str, Any], emails: int) -> str:
    """The worker's Redis commands per email, by command (``INFO commandstats``: the
    commands a script calls count too; a pipeline's or a MULTI's commands share one round
    trip). The start-up cron jobs' commands are included (``purge_expired`` reads each
    registration's TTL)."""
    calls = {name.removeprefix("cmdstat_"): int(stats["calls"])
             for name, stats in commandstats.items()}
    total = sum(calls.values())
    listed = ", ".join(f"{name} {count / emails:.2f}"
                       for name, count in sorted(calls.items(), key=lambda item: -item[1])
                       if count / emails >= 0.05)
    return f"worker's Redis commands per email: {total / emails:.2f} ({listed})"


async def _started(log: Path) -> bool:
    await asyncio.sleep(0.01)
    return log.exists() and "Starting worker" in log.read_text(errors="replace")


def _received(sink: Sink, expected: set[str]) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        await asyncio.sleep(0.5)
        return set(await sink.arrivals()) >= expected
    return check


async def paced(settings: Settings, sink: Sink, redis: Redis, queue: ArqRedis, visit: Visit,
                per_second: int, seconds: float) -> list[float]:
    queued: dict[str, float] = {}
    started = time.monotonic()
    for number in range(int(per_second * seconds)):
        await asyncio.sleep(max(0.0, started + number / per_second - time.monotonic()))
        (registration_id,) = await register(settings, redis, queue, visit, 1)
        at = time.time()
        for message_id in expected_message_ids([registration_id]):
            queued[message_id] = at
    await until(_received(sink, set(queued)), 120, "the paced emails")
    arrivals = await sink.arrivals()
    return [arrivals[m] - at for m, at in queued.items()]


def main(argv: list[str]) -> int:
    if argv[:1] == ["--sink"]:
        sink_main(int(argv[1]), Path(argv[2]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=2000)
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--profile", type=Path, help="py-spy profile of the worker's burst")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-email-") as tmp:
        asyncio.run(run(args, Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
