"""Delivery markers the replicas (``WAIT``) do not confirm: the final dot is not sent, the
email stays owed and is retried, and it goes out once when the replicas confirm again.

This Redis has no replica, so ``WAIT 1`` never confirms: it stands for a master that a
failover is replacing (cut off from its replicas, or the replica not caught up yet).
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest
from arq.connections import ArqRedis
from prometheus_client import REGISTRY
from redis.asyncio import Redis

from core.durability import AofWait
from core.visits import keys
from core.visits.dispatch import Job, enqueue
from core.visits.models import RegistrationStatus
from core.visits.store import RegistrationStore, ReserveOutcome
from devstack.mailsink import MailSink
from tests.integration.visits.conftest import VisitIndex, visit_settings
from tests.live_app import make_worker
from tests.unit.test_emails import REGISTRATION
from workers.delivery import _persist
from workers.markers import MARKER, ClaimLost, Markers, MarkerUnconfirmed

PENDING = dataclasses.replace(REGISTRATION, id="unconfirmed-mark",
                              status=RegistrationStatus.PENDING,
                              expires_at=4_000_000_000)
RECEIPT = Job.JOBSEEKER_RECEIPT.value
NO_REPLICA = AofWait(1, replicas=1, replica_timeout_ms=50, local=False)


async def _stored(redis: Redis) -> None:
    reserved = await RegistrationStore(redis).reserve(PENDING, "digest-mark", 1_900_000_000,
                                                      outbox=(RECEIPT,))
    assert reserved.outcome is ReserveOutcome.OK


async def _marker(redis: Redis) -> str:
    value = await redis.hget(keys.registration(PENDING.id), MARKER + RECEIPT)
    return "" if value is None else value.decode()


async def test_an_unconfirmed_commit_is_raised_and_a_settled_marker_can_be_confirmed_again(
    redis: Redis,
) -> None:
    await _stored(redis)
    waiting = Markers(redis, NO_REPLICA)
    claim = await waiting.claim(PENDING.id, RECEIPT, "a1", 60_000)
    assert claim.state.value == "CLAIMED"
    with pytest.raises(MarkerUnconfirmed):
        await waiting.commit(PENDING.id, RECEIPT, "a1", 60_000)
    assert (await _marker(redis)).startswith("committing:")  # on the master only
    plain = Markers(redis)
    assert await plain.finish(PENDING.id, RECEIPT, "a1", "sent:1900000000") == "OK"
    # the same final value again (its confirmation waited for once more) is written again;
    # another attempt's or another value is not
    assert await plain.finish(PENDING.id, RECEIPT, "a1", "sent:1900000000") == "OK"
    with pytest.raises(MarkerUnconfirmed):
        await waiting.finish(PENDING.id, RECEIPT, "a1", "sent:1900000000", confirm=True)
    # outcomes that need no confirmation do not wait for it
    assert await waiting.finish(PENDING.id, RECEIPT, "a1", "sent:1900000000") == "OK"
    assert await plain.finish(PENDING.id, RECEIPT, "b2", "failed:x", "x") == "LOST"
    assert await _marker(redis) == "sent:1900000000"
    with pytest.raises(ClaimLost):  # a final marker is nobody's claim
        await plain.commit(PENDING.id, RECEIPT, "a1", 60_000)


async def test_the_worker_sends_nothing_the_replicas_did_not_confirm(
    visit_index: VisitIndex, redis_url: str, redis: Redis, queue: ArqRedis, smtp_sink: MailSink,
) -> None:
    await _stored(redis)
    smtp_sink.clear()
    unconfirmed = visit_settings(visit_index, redis_url, smtp_sink, REDIS_WAIT_REPLICAS="1",
                                 REDIS_WAIT_TIMEOUT_SECONDS="0.05")
    assert await enqueue(queue, Job.JOBSEEKER_RECEIPT, PENDING.id)
    worker = make_worker(unconfirmed, max_burst_jobs=3)
    try:
        await worker.async_run()
    finally:
        await worker.close()
    assert worker.jobs_retried >= 1
    assert smtp_sink.messages == []  # the final dot was never sent
    assert (await _marker(redis)).startswith("retrying:marker: not confirmed")
    assert await redis.zscore(keys.OUTBOX, keys.outbox_member(RECEIPT, PENDING.id))

    confirmed = visit_settings(visit_index, redis_url, smtp_sink)  # the replicas are back
    worker = make_worker(confirmed)
    try:
        await worker.async_run()  # the retry still queued
    finally:
        await worker.close()
    assert [m.recipients for m in smtp_sink.messages] == [(PENDING.email,)]
    assert (await _marker(redis)).startswith("sent:")
    assert await redis.zscore(keys.OUTBOX, keys.outbox_member(RECEIPT, PENDING.id)) is None


async def test_a_sent_marker_no_replica_confirms_within_the_lease_is_kept_and_counted(
    redis: Redis,
) -> None:
    await _stored(redis)
    waiting = Markers(redis, NO_REPLICA)
    await waiting.claim(PENDING.id, RECEIPT, "a1", 60_000)
    await Markers(redis).commit(PENDING.id, RECEIPT, "a1", 60_000)  # the dot went out

    def unconfirmed() -> float:
        return REGISTRY.get_sample_value("studyvisits_email_markers_unconfirmed_total",
                                         {"kind": RECEIPT}) or 0.0

    before = unconfirmed()
    await _persist(RECEIPT, lambda: waiting.finish(PENDING.id, RECEIPT, "a1",
                                                   "sent:1900000000", confirm=True),
                   deadline=time.monotonic())  # the lease is over: no more waiting
    assert unconfirmed() == before + 1  # the operator sees it
    assert await _marker(redis) == "sent:1900000000"  # kept on the master, not undone


def _calls(stats: dict[str, Any], command: str) -> int:
    return int(stats.get(f"cmdstat_{command}", {}).get("calls", 0))


async def test_a_waited_for_marker_is_one_script_run_with_its_wait_even_on_a_server_without_it(
    redis: Redis,
) -> None:
    await _stored(redis)
    waiting = Markers(redis, NO_REPLICA)
    assert (await waiting.claim(PENDING.id, RECEIPT, "a1", 60_000)).state.value == "CLAIMED"
    await redis.script_flush()  # as a restarted or newly promoted master: no script known
    before = await redis.info("commandstats")
    with pytest.raises(MarkerUnconfirmed):
        await waiting.commit(PENDING.id, RECEIPT, "a1", 60_000)
    assert (await _marker(redis)).startswith("committing:")  # written once, then waited for
    for _ in range(2):  # the second time the server knows the script
        with pytest.raises(MarkerUnconfirmed):
            await waiting.finish(PENDING.id, RECEIPT, "a1", "sent:1900000000", confirm=True)
    after = await redis.info("commandstats")
    assert await _marker(redis) == "sent:1900000000"
    assert _calls(after, "script|exists") == _calls(before, "script|exists")  # never asked
    assert _calls(after, "script|load") - _calls(before, "script|load") == 2  # once per script
    # refused unknown (NOSCRIPT, nothing ran) and sent again after the load, then known
    assert _calls(after, "evalsha") - _calls(before, "evalsha") == 2 + 2 + 1
    assert _calls(after, "wait") - _calls(before, "wait") == 2 + 2 + 1
