"""Redis under Sentinel: the master is killed (SIGKILL) or stopped (SIGSTOP) during a burst
of registrations sent to two API processes, with a worker process sending the emails.

Master, two replicas and three Sentinels on the loopback (``devstack.sentinel``); the
APIs acknowledge a registration only once a replica has it (``REDIS_WAIT_REPLICAS=1``).
Two replicas, so that after the failover the new master still has one to confirm to.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from arq.constants import default_queue_name
from redis import Redis

from core.visits import keys
from devstack.mailsink import MailSink
from devstack.sentinel import MASTER_NAME, sentinel_cluster
from tests.integration.scaleout.api_processes import api_processes, worker_process
from tests.integration.visits.conftest import (
    REGISTER,
    TEST_ENV,
    VisitIndex,
    registration_input,
    visit_settings,
)

pytestmark = pytest.mark.slow

DOWN_AFTER_MS = 1000
FAILOVER_TIMEOUT_MS = 5000
SENTINEL_TIMEOUT = (DOWN_AFTER_MS + FAILOVER_TIMEOUT_MS) / 1000
KILL_AFTER = 30  # acknowledged registrations before the kill
AFTER_KILL = 30  # acknowledged registrations after the failover, to end the burst
CLIENTS = 8


@pytest.mark.parametrize("fault", [signal.SIGKILL, signal.SIGSTOP], ids=["SIGKILL", "SIGSTOP"])
async def test_a_lost_master_loses_no_acknowledged_registration(
    tmp_path: Path, visit_index: VisitIndex, smtp_sink: MailSink, fault: signal.Signals,
) -> None:
    """SIGKILL: the master is gone. SIGSTOP: it hangs (every client's deadline must end
    the wait) and is resumed after the burst, when the Sentinels have replaced it, so it
    rejoins as a replica of the new master."""
    with sentinel_cluster(tmp_path / "redis", replicas=2, down_after_ms=DOWN_AFTER_MS,
                          failover_timeout_ms=FAILOVER_TIMEOUT_MS) as cluster:
        env = {**TEST_ENV, "REDIS_SENTINELS": cluster.sentinel_setting,
               "REDIS_SENTINEL_MASTER": MASTER_NAME, "REDIS_WAIT_REPLICAS": "1",
               "REDIS_WAIT_TIMEOUT_SECONDS": "1", "REDIS_TIMEOUT_SECONDS": "1",
               "MEILI_INDEX": visit_index.index}
        settings = visit_settings(visit_index, "redis://127.0.0.1:1/0", smtp_sink, **env)
        smtp_sink.clear()
        old_master = cluster.master_port()
        old_process = cluster.servers[old_master].process
        assert old_process is not None
        old_pid = old_process.pid
        acknowledged: dict[str, tuple[str, float]] = {}
        outcomes: list[tuple[float, str]] = []  # (when the request was sent, outcome)
        acknowledged_at: dict[float, float] = {}
        killed_at = 0.0
        with api_processes(settings, tmp_path, 2, **env) as apis, \
                worker_process(settings, tmp_path, **env) as worker:
            _wait_started(tmp_path / "worker.log")
            numbers = itertools.count()
            # Idle connections are dropped before the APIs' keep-alive timeout (uvicorn's
            # 5 s) closes them: an API request takes up to 2 s while Redis is away, so a
            # connection may idle that long, and one reused just as the server closes it
            # fails with httpx.ReadError.
            limits = httpx.Limits(keepalive_expiry=2.0)
            async with httpx.AsyncClient(timeout=20, limits=limits) as client:

                async def one_client() -> None:
                    nonlocal killed_at
                    while not killed_at or sum(t > killed_at for t, o in outcomes
                                               if o == "ok") < AFTER_KILL:
                        number = next(numbers)
                        if number > 2000:
                            return
                        email = f"failover{number}@example.se"
                        api = apis[number % 2]
                        sent_at = time.monotonic()
                        response = await client.post(f"{api.url}/graphql", json={
                            "query": REGISTER, "variables": {"input": registration_input(
                                visit_index.roomy, email)}})
                        outcome = _outcome(response.json())
                        outcomes.append((sent_at, outcome))
                        if outcome == "ok":
                            payload = response.json()["data"]["registerForStudyVisit"]
                            acknowledged[payload["registration"]["id"]] = (email, sent_at)
                            acknowledged_at[sent_at] = time.monotonic()
                            if len(acknowledged) == KILL_AFTER and not killed_at:
                                os.kill(old_pid, fault)
                                killed_at = time.monotonic()
                        else:
                            await asyncio.sleep(0.05)

                def watch() -> None:  # when a new master with a replica online is named
                    while not stop_watching.wait(0.05):
                        if killed_at and not ready_at:
                            with contextlib.suppress(RuntimeError):  # no Sentinel answered
                                port = cluster.master_port()
                                # never asks the stopped master: that would hang the watch
                                if port != old_master and cluster.has_online_replica(port):
                                    ready_at.append(time.monotonic())

                stop_watching = threading.Event()
                ready_at: list[float] = []
                watching = threading.Thread(target=watch, daemon=True)
                watching.start()
                try:
                    await asyncio.gather(*(one_client() for _ in range(CLIENTS)))
                finally:
                    stop_watching.set()
                    watching.join()
                    if fault is signal.SIGSTOP:
                        os.kill(old_pid, signal.SIGCONT)
            new_master = cluster.master_port()
            assert new_master != old_master
            # From the kill to the answer of the first registration sent after it that
            # was acknowledged. The API resumes within the Sentinel timeout of the moment
            # the Sentinels name a master that can confirm writes (a replica online):
            # on an idle machine that moment comes about 2 s after the kill; on a loaded
            # one the Sentinels and the replica's resync themselves take longer, and the
            # API cannot acknowledge before it anyway.
            first = min(t for t, outcome in outcomes if t > killed_at and outcome == "ok")
            gap = acknowledged_at[first] - killed_at
            assert ready_at, "the Sentinels named no new master with a replica"
            resumed = acknowledged_at[first] - max(ready_at[0], killed_at)
            print(f"failover gap {gap:.2f} s (a master with a replica {ready_at[0] - killed_at:.2f}"
                  f" s after the kill, the API {resumed:.2f} s later); outcomes "
                  f"{sorted({o: sum(x == o for _, x in outcomes) for _, o in outcomes}.items())}")
            assert resumed < SENTINEL_TIMEOUT, resumed
            assert {outcome for _, outcome in outcomes} <= {"ok", "SERVICE_UNAVAILABLE"}

            with cluster.client(new_master) as redis:
                stored = {rid: redis.hget(keys.registration(rid), "email")
                          for rid in acknowledged}
                lost = [rid for rid, (email, _) in acknowledged.items() if stored[rid] != email]
                assert lost == [], f"{len(lost)} of {len(acknowledged)} acknowledged lost"
                _assert_seats_agree(redis, visit_index.roomy, set(acknowledged))

                # The worker, not restarted, sends receipts again after the failover. A
                # receipt whose queued job died with the master (the queue is not waited
                # for), or that an API could not queue during the failover, is owed in the
                # outbox, which the worker's cron queues again after a minute
                # (workers.maintenance.redispatch_outbox): sent or owed, never lost.
                after = {email for email, at in acknowledged.values() if at > killed_at}
                deadline = time.monotonic() + 90
                while redis.zcard(default_queue_name):  # the worker catches up
                    assert time.monotonic() < deadline, "the worker did not catch up"
                    time.sleep(0.2)
                while True:
                    owed = {rid for rid in acknowledged if redis.zscore(
                        keys.OUTBOX, keys.outbox_member("send_jobseeker_receipt", rid))}
                    sent = _recipients(smtp_sink.messages)
                    unsettled = [rid for rid, (email, _) in acknowledged.items()
                                 if email not in sent and rid not in owed]
                    if not unsettled or time.monotonic() > deadline:
                        break
                    time.sleep(0.2)
                assert unsettled == []
                assert after & sent
                assert worker.running()
            receipts = [r for m in smtp_sink.messages for r in m.recipients
                        if r.startswith("failover")]
            print(f"{len(set(receipts))} receipts sent, {len(receipts) - len(set(receipts))} "
                  f"twice, {len(owed)} owed in the outbox ({len(after & sent)} of {len(after)} "
                  "after the failover sent)")
            assert len(receipts) == len(set(receipts))


def _wait_started(log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while "Starting worker" not in (log.read_text() if log.exists() else ""):
        assert time.monotonic() < deadline, "the worker did not start"
        time.sleep(0.1)


def _recipients(messages: list[Any]) -> set[str]:
    return {recipient for message in messages for recipient in message.recipients}


def _outcome(body: dict[str, Any]) -> str:
    if body.get("errors"):
        return str(body["errors"][0].get("extensions", {}).get("code"))
    payload = body["data"]["registerForStudyVisit"]
    if payload["registration"] is not None:
        return "ok"
    return str(payload["errors"][0]["code"])


def _assert_seats_agree(redis: Redis, visit_id: str, acknowledged: set[str]) -> None:
    """The visit's seat set holds every acknowledged registration, and exactly the
    registrations stored for the visit."""
    seats = {str(member) for member in redis.smembers(keys.active(visit_id))}  # type: ignore[union-attr]
    assert acknowledged <= seats
    stored = {str(key).rsplit(":", 1)[1]
              for key in redis.scan_iter(match=keys.registration("*"))
              if redis.hget(str(key), "visitId") == visit_id}
    assert seats == stored
