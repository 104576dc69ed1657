"""No lost email: a worker process SIGKILLed at each SMTP stage, Redis SIGKILLed and
restarted under a running worker. Real processes throughout: the worker is
``python -m workers run`` in a process of its own, Redis is one of this test's own
(append-only, so queued jobs survive its SIGKILL), the SMTP server is a real aiosmtpd
sink that holds its sessions at a chosen stage.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from arq.connections import RedisSettings, create_pool
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import keys
from core.visits.awaiting import result
from core.visits.models import Visit
from devstack.email_rig import (
    STAGES,
    OwnRedis,
    expected_message_ids,
    kill_worker_at,
    message_ids,
    outbox_empty,
    register,
    until,
    worker_process,
)
from devstack.processes import free_port
from devstack.staged_mailsink import StagedMailSink
from tests.integration.visits.conftest import VisitIndex, indexed_visit, visit_settings

PERSONAL = ("@example.se", "Person Nummer", "olle@utbildning.example")


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    own = OwnRedis.start(tmp_path)
    try:
        yield own
    finally:
        own.stop()


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


@pytest.fixture
async def visit(fault_settings: Settings, visit_index: VisitIndex) -> Visit:
    return await indexed_visit(fault_settings, visit_index.roomy)


async def _markers(redis: Redis, registration_ids: list[str]) -> list[str]:
    values = []
    for registration_id in registration_ids:
        fields = await result(redis.hgetall(keys.registration(registration_id)))
        values += [v.decode() for k, v in fields.items() if k.decode().startswith("mail:")]
    return values


def _logs(*paths: Path) -> str:
    return "".join(path.read_text() for path in paths if path.exists())


@pytest.mark.parametrize("stage", STAGES)
async def test_a_worker_killed_at_each_smtp_stage_loses_no_email(
    stage: str, fault_settings: Settings, own_redis: OwnRedis, sink: StagedMailSink,
    visit: Visit, tmp_path: Path,
) -> None:
    """Killed before the final dot: delivered exactly once after a restart. Killed after
    the final dot, before the reply: delivered again with the same Message-ID."""
    redis = Redis.from_url(own_redis.url)
    queue = await create_pool(RedisSettings.from_dsn(own_redis.url))
    try:
        outcome = await kill_worker_at(stage, fault_settings, own_redis, sink, redis, queue,
                                       visit, 2, tmp_path)
        assert set(outcome.counts) == outcome.expected
        # the body stage is reached: the server's 354 came, the final dot never did
        assert outcome.cut_in_data == (4 if stage == "body" else 0)
        if stage == "after-dot":
            assert outcome.received_before_restart == 4  # the server had taken each one
            assert set(outcome.counts.values()) == {2}, outcome.counts  # same Message-ID
            assert "sending again with the same Message-ID" in _logs(outcome.logs[1])
        else:
            assert outcome.received_before_restart == 0
            assert set(outcome.counts.values()) == {1}, outcome.counts
        assert outcome.restarted_worker_running
        markers = await _markers(redis, outcome.registration_ids)
        assert len(markers) == 4 and all(v.startswith("sent:") for v in markers)
        assert not any(p in _logs(*outcome.logs) for p in PERSONAL)
    finally:
        await redis.aclose()
        await queue.aclose()


async def test_redis_killed_and_restarted_the_worker_stays_up_and_emails_resume(
    fault_settings: Settings, own_redis: OwnRedis, sink: StagedMailSink, visit: Visit,
    tmp_path: Path,
) -> None:
    log = tmp_path / "worker.log"
    worker = worker_process(fault_settings, log).start()
    try:
        redis = Redis.from_url(own_redis.url)
        queue = await create_pool(RedisSettings.from_dsn(own_redis.url))
        before = await register(fault_settings, redis, queue, visit, 2)
        await until(lambda: set(message_ids(sink)) >= expected_message_ids(before), 30,
                    "the first emails")
        await redis.aclose()
        await queue.aclose()
        own_redis.signal(signal.SIGKILL)
        await until(lambda: "Redis lost" in _logs(log), 20, "the worker noticing")
        own_redis.restart()
        assert worker.running(), "the worker must not exit when Redis goes away"
        redis = Redis.from_url(own_redis.url)
        queue = await create_pool(RedisSettings.from_dsn(own_redis.url))
        try:
            after = await register(fault_settings, redis, queue, visit, 3)
            expected = expected_message_ids(before + after)
            await until(lambda: set(message_ids(sink)) >= expected, 45, "the later emails")
            await until(outbox_empty(redis), 30, "every email settled")
        finally:
            await redis.aclose()
            await queue.aclose()
        assert worker.running()
    finally:
        worker.stop()
    counts = message_ids(sink)
    assert set(counts) == expected and set(counts.values()) == {1}, counts
    text = _logs(log)
    assert text.count("Redis lost") == 1 and text.count("Redis is back") == 1, text
