"""Durable registrations: the API and the worker start only on a Redis that fits
``REDIS_DURABILITY``, an acknowledged registration survives a SIGKILL of Redis, and with
``waitaof`` nothing is acknowledged that the disk did not confirm."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from core.durability import AofWait, RedisDurabilityError, check_server
from core.errors import ServiceUnavailable
from core.visits import keys
from core.visits.models import Language, Registration, RegistrationStatus
from core.visits.store import RegistrationStore
from devstack.mailsink import MailSink
from devstack.processes import start_redis, valkey_server
from tests.integration.visits.conftest import (
    REGISTER,
    VisitIndex,
    indexed_visit,
    register,
    registration_input,
    visit_settings,
)
from tests.integration.visits.own_redis import own_redis
from tests.live_app import run_worker, serve

VALKEY = valkey_server()
needs_valkey = pytest.mark.skipif(VALKEY is None, reason="no Valkey (Redis 7.2) server binary")


@pytest.mark.parametrize(("options", "env", "expected"), [
    ({"appendonly": False}, {}, "it has appendonly no"),
    ({"appendfsync": "everysec"}, {}, "appendfsync always; it has appendfsync everysec"),
    ({}, {"REDIS_DURABILITY": "waitaof"}, "needs Redis 7.2 or later (WAITAOF); the server"),
])
async def test_api_and_worker_refuse_a_redis_that_does_not_fit(
    tmp_path: Path, visit_index: VisitIndex, smtp_sink: MailSink, options: dict[str, Any],
    env: dict[str, str], expected: str,
) -> None:
    with own_redis(tmp_path, **options) as server:
        settings = visit_settings(visit_index, server.url, smtp_sink, **env)
        with pytest.raises(RedisDurabilityError) as raised:
            await check_server(settings)
        assert expected in str(raised.value)
        assert str(server.port) not in str(raised.value)
        with pytest.raises(RuntimeError, match="the API did not start"), serve(settings):
            pass
        with pytest.raises(RedisDurabilityError, match=re.escape(expected.split(";")[0])):
            await run_worker(settings)
        relaxed = visit_settings(visit_index, server.url, smtp_sink, REDIS_DURABILITY="none")
        with serve(relaxed) as api, httpx.Client() as client:
            assert client.get(f"{api}/readyz").status_code == 200


async def test_every_acknowledged_registration_survives_a_sigkill_of_redis(
    tmp_path: Path, visit_index: VisitIndex, smtp_sink: MailSink,
) -> None:
    """A burst of registrations; Redis (appendfsync always) is killed with SIGKILL once 40
    are acknowledged, then restarted on its files: every acknowledged one is there."""
    attempts, kill_after = 150, 40
    with own_redis(tmp_path) as server:
        settings = visit_settings(visit_index, server.url, smtp_sink)
        acknowledged: dict[str, str] = {}
        unanswered = 0
        with serve(settings) as api:
            async with httpx.AsyncClient(timeout=20) as client:
                queue: asyncio.Queue[int] = asyncio.Queue()
                for i in range(attempts):
                    queue.put_nowait(i)

                async def one_client() -> None:
                    nonlocal unanswered
                    while not queue.empty():
                        i = queue.get_nowait()
                        email = f"burst{i}@example.se"
                        response = await client.post(f"{api}/graphql", json={
                            "query": REGISTER,
                            "variables": {"input": registration_input(visit_index.roomy,
                                                                      email)}})
                        payload = (response.json().get("data") or {}).get(
                            "registerForStudyVisit")
                        if payload and payload["registration"]:
                            acknowledged[payload["registration"]["id"]] = email
                            if len(acknowledged) == kill_after:
                                server.process.kill()
                        else:
                            unanswered += 1

                await asyncio.gather(*(one_client() for _ in range(12)))
                assert not server.process.running()
                assert len(acknowledged) >= kill_after and unanswered > 0
                server.restart()
                after = await register(client, api, registration_input(
                    visit_index.roomy, "after.restart@example.se"))
                assert after["registration"] is not None, after
        redis = Redis.from_url(server.url, decode_responses=True)
        try:
            found = {rid: await redis.hget(keys.registration(rid), "email")
                     for rid in acknowledged}
        finally:
            await redis.aclose()
        lost = [rid for rid, email in acknowledged.items() if found[rid] != email]
        assert lost == [], f"{len(lost)} of {len(acknowledged)} acknowledged were lost"


def _registration(visit: Any, number: int) -> Registration:
    now = int(time.time())
    return Registration(
        id=f"waitaof-{number}", status=RegistrationStatus.PENDING, visit=visit,
        name="Wanja Waitaof", email=f"wanja{number}@example.se", phone=None,
        language=Language.SV, created_at=now, updated_at=now, expires_at=now + 86_400)


@needs_valkey
async def test_waitaof_acknowledges_only_what_the_disk_confirmed(
    tmp_path: Path, visit_index: VisitIndex, smtp_sink: MailSink,
) -> None:
    """With ``everysec`` and WAITAOF, registrations are acknowledged; when the server stops
    fsyncing (``appendfsync no``), WAITAOF does not confirm and nothing is acknowledged."""
    with own_redis(tmp_path, appendfsync="everysec", server=VALKEY) as server:
        settings = visit_settings(visit_index, server.url, smtp_sink,
                                  REDIS_DURABILITY="waitaof", REDIS_WAITAOF_TIMEOUT_SECONDS="0.5")
        await check_server(settings)
        visit = await indexed_visit(settings, visit_index.five_seats)
        redis = Redis.from_url(server.url)
        try:
            store = RegistrationStore(redis, AofWait(500))
            assert (await store.reserve(_registration(visit, 1), "digest-1", 0)).seats_taken == 1
            with serve(settings) as api:
                async with httpx.AsyncClient(timeout=20) as client:
                    payload = await register(client, api, registration_input(
                        visit_index.five_seats, "acknowledged@example.se"))
                    assert payload["registration"] is not None, payload
                    await redis.config_set("appendfsync", "no")
                    started = time.monotonic()
                    response = await client.post(f"{api}/graphql", json={
                        "query": REGISTER, "variables": {"input": registration_input(
                            visit_index.five_seats, "unconfirmed@example.se")}})
                    assert time.monotonic() - started < 10
                    body = response.json()
                    assert body.get("errors"), body
                    assert not (body.get("data") or {}).get("registerForStudyVisit"), body
            with pytest.raises(ServiceUnavailable) as raised:
                await store.reserve(_registration(visit, 2), "digest-2", 0)
            assert raised.value.dependency == "registrations"
            with pytest.raises(ServiceUnavailable):
                await store.erase("waitaof-1", ())
        finally:
            await redis.aclose()


@needs_valkey
async def test_waitaof_on_a_stopped_server_is_unavailable_within_its_deadline(
    tmp_path: Path, visit_index: VisitIndex, smtp_sink: MailSink,
) -> None:
    """A server that answers nothing (SIGSTOP) gives ServiceUnavailable once WAITAOF's
    timeout and the client's margin have passed, and the store works again after SIGCONT."""
    with own_redis(tmp_path, appendfsync="everysec", server=VALKEY) as server:
        settings = visit_settings(visit_index, server.url, smtp_sink)
        visit = await indexed_visit(settings, visit_index.five_seats)
        redis = Redis.from_url(server.url)
        assert server.process.process is not None
        pid = server.process.process.pid
        try:
            store = RegistrationStore(redis, AofWait(300))
            await store.reserve(_registration(visit, 1), "digest-1", 0)  # connected, loaded
            os.kill(pid, signal.SIGSTOP)
            started = time.monotonic()
            with pytest.raises(ServiceUnavailable):
                await store.reserve(_registration(visit, 2), "digest-2", 0)
            assert 1.2 <= time.monotonic() - started < 5
            os.kill(pid, signal.SIGCONT)
            reserved = await store.reserve(_registration(visit, 3), "digest-3", 0)
            assert reserved.seats_taken in (2, 3)  # the stopped one may have been stored
        finally:
            os.kill(pid, signal.SIGCONT)
            await redis.aclose()


async def test_an_api_started_without_redis_acknowledges_nothing_until_redis_fits(
    tmp_path: Path, visit_index: VisitIndex, smtp_sink: MailSink,
) -> None:
    """Redis down at start-up: the API starts (searches need no Redis; /readyz says so),
    and its first registration change reads the server's persistence: a server that
    does not fit is refused (SERVICE_UNAVAILABLE, nothing acknowledged), one that fits is
    used."""
    with own_redis(tmp_path / "probe") as probe:
        port, url = probe.port, probe.url
    settings = visit_settings(visit_index, url, smtp_sink)
    with serve(settings) as api:
        async with httpx.AsyncClient(timeout=30) as client:
            assert (await client.get(f"{api}/healthz")).status_code == 200
            ready = await client.get(f"{api}/readyz")
            assert ready.status_code == 503 and ready.json()["redis"] == "unavailable"
            loose = start_redis(port, tmp_path / "loose", appendonly=False)
            try:
                answer = await client.post(f"{api}/graphql", json={
                    "query": REGISTER, "variables": {"input": registration_input(
                        visit_index.roomy, "gate@example.se")}})
                [error] = answer.json()["errors"]
                assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
                async with Redis.from_url(url) as loose_client:
                    assert not await loose_client.keys(keys.registration("*"))
            finally:
                loose.stop()
            durable = start_redis(port, tmp_path / "durable")
            try:
                payload = await register(client, api, registration_input(
                    visit_index.roomy, "gate@example.se"))
                assert payload["registration"]["status"] == "PENDING"
            finally:
                durable.stop()
