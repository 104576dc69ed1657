"""No lost email: a worker process SIGKILLed at each SMTP stage, Redis SIGKILLed and
restarted under a running worker. Real processes throughout: the worker is
``python -m workers run`` in a process of its own, Redis is one of this test's own
(append-only, so queued jobs survive its SIGKILL), the SMTP server is a real aiosmtpd
sink that holds its sessions at a chosen stage.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from arq.connections import ArqRedis, RedisSettings, create_pool
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import keys
from core.visits.awaiting import result
from core.visits.models import Visit
from devstack.email_rig import expected_message_ids, message_ids, register, worker_process
from devstack.processes import ManagedProcess, free_port, start_redis
from devstack.staged_mailsink import Stage, StagedMailSink
from tests.integration.visits.conftest import VisitIndex, indexed_visit, visit_settings

PERSONAL = ("@example.se", "Person Nummer", "olle@utbildning.example")


@dataclass
class OwnRedis:
    """A Redis of this test's own that it may kill and start again on the same port."""

    port: int
    data_dir: Path
    log_path: Path
    process: ManagedProcess

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def signal(self, signum: signal.Signals) -> None:
        assert self.process.process is not None
        self.process.process.send_signal(signum)

    def restart(self) -> None:
        self.process.stop()
        self.process = start_redis(self.port, self.data_dir, appendonly=True,
                                   log_path=self.log_path)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    port = free_port()
    data_dir, log_path = tmp_path / "redis", tmp_path / "redis.log"
    own = OwnRedis(port, data_dir, log_path,
                   start_redis(port, data_dir, appendonly=True, log_path=log_path))
    try:
        yield own
    finally:
        if own.process.running():
            own.signal(signal.SIGCONT)  # a stopped Redis would not heed SIGTERM
        own.process.stop()


@pytest.fixture
def sink() -> Iterator[StagedMailSink]:
    staged = StagedMailSink(free_port()).start()
    try:
        yield staged
    finally:
        staged.release()
        staged.stop()


@pytest.fixture
def fault_settings(visit_index: VisitIndex, own_redis: OwnRedis, sink: StagedMailSink
                   ) -> Settings:
    # Short SMTP timeouts keep the leases (and arq's in-progress timeout after a kill) short.
    return visit_settings(visit_index, own_redis.url, sink, SMTP_TIMEOUT_SECONDS="0.5",
                          SMTP_DATA_TIMEOUT_SECONDS="3")


@dataclass
class Clients:
    redis: Redis
    queue: ArqRedis


async def _clients(url: str) -> Clients:
    return Clients(Redis.from_url(url), await create_pool(RedisSettings.from_dsn(url)))


async def _close(clients: Clients) -> None:
    await clients.redis.aclose()
    await clients.queue.aclose()


@pytest.fixture
async def clients(own_redis: OwnRedis) -> AsyncIterator[Clients]:
    opened = await _clients(own_redis.url)
    try:
        yield opened
    finally:
        await _close(opened)


@pytest.fixture
async def visit(fault_settings: Settings, visit_index: VisitIndex) -> Visit:
    return await indexed_visit(fault_settings, visit_index.roomy)


async def _until(check: Callable[[], bool | Awaitable[bool]], timeout: float, what: str
                 ) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        outcome = check()
        if not isinstance(outcome, bool):
            outcome = await outcome
        if outcome:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"{what} within {timeout:.0f} s")


def _outbox_empty(redis: Redis) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return int(await redis.zcard(keys.OUTBOX)) == 0
    return check


async def _markers(redis: Redis, registration_ids: list[str]) -> list[str]:
    values = []
    for registration_id in registration_ids:
        fields = await result(redis.hgetall(keys.registration(registration_id)))
        values += [v.decode() for k, v in fields.items() if k.decode().startswith("mail:")]
    return values


def _logs(*paths: Path) -> str:
    return "".join(path.read_text() for path in paths if path.exists())


@pytest.mark.parametrize("stage", ["ehlo", "mail", "body", "after-dot"])
async def test_a_worker_killed_at_each_smtp_stage_loses_no_email(
    stage: str, fault_settings: Settings, own_redis: OwnRedis, sink: StagedMailSink,
    clients: Clients, visit: Visit, tmp_path: Path,
) -> None:
    """Killed before the final dot: delivered exactly once after a restart. Killed after
    the final dot, before the reply: delivered again with the same Message-ID."""
    ids = await register(fault_settings, clients.redis, clients.queue, visit, 2)
    sink.hold(Stage.DATA if stage == "body" else Stage(stage))
    logs = tmp_path / "worker-1.log", tmp_path / "worker-2.log"
    first = worker_process(fault_settings, logs[0]).start()
    second = worker_process(fault_settings, logs[1])
    try:
        await _until(lambda: sink.held >= 4, 30, "every session held")
        if stage == "body":
            # Redis stopped: after the 354 the worker writes the body, then waits on Redis
            # to mark the final dot: the body is in flight when the worker dies.
            own_redis.signal(signal.SIGSTOP)
            sink.release()
            await asyncio.sleep(1.0)
        first.kill()
        own_redis.signal(signal.SIGCONT)
        sink.release()
        received_before_restart = len(sink.messages)
        second.start()
        expected = expected_message_ids(ids)
        await _until(lambda: set(message_ids(sink)) >= expected, 90, "every email delivered")
        await _until(_outbox_empty(clients.redis), 30, "every email settled")
        assert second.running(), "the restarted worker keeps running"
    finally:
        first.stop()
        second.stop()
    counts = message_ids(sink)
    assert set(counts) == expected
    if stage == "after-dot":
        assert received_before_restart == 4  # the server had taken each message
        assert set(counts.values()) == {2}, counts  # sent again, same Message-ID
        assert "sending again with the same Message-ID" in _logs(logs[1])
    else:
        assert received_before_restart == 0
        assert set(counts.values()) == {1}, counts
    assert all(v.startswith("sent:") for v in await _markers(clients.redis, ids))
    assert not any(p in _logs(*logs) for p in PERSONAL)


async def test_redis_killed_and_restarted_the_worker_stays_up_and_emails_resume(
    fault_settings: Settings, own_redis: OwnRedis, sink: StagedMailSink, visit: Visit,
    tmp_path: Path,
) -> None:
    log = tmp_path / "worker.log"
    worker = worker_process(fault_settings, log).start()
    clients = await _clients(own_redis.url)
    try:
        before = await register(fault_settings, clients.redis, clients.queue, visit, 2)
        await _until(lambda: set(message_ids(sink)) >= expected_message_ids(before), 30,
                     "the first emails")
        await _close(clients)
        own_redis.signal(signal.SIGKILL)
        await _until(lambda: "Redis lost" in _logs(log), 20, "the worker noticing")
        own_redis.restart()
        assert worker.running(), "the worker must not exit when Redis goes away"
        reopened = await _clients(own_redis.url)
        try:
            after = await register(fault_settings, reopened.redis, reopened.queue, visit, 3)
            expected = expected_message_ids(before + after)
            await _until(lambda: set(message_ids(sink)) >= expected, 45, "the later emails")
            await _until(_outbox_empty(reopened.redis), 30, "every email settled")
        finally:
            await _close(reopened)
        assert worker.running()
    finally:
        worker.stop()
    counts = message_ids(sink)
    assert set(counts) == expected and set(counts.values()) == {1}, counts
    text = _logs(log)
    assert text.count("Redis lost") == 1 and text.count("Redis is back") == 1, text
