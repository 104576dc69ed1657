"""Deleted personal data leaves the disk: an erasure marks it pending, and the cron job
rewrites Redis's append-only file (and RDB snapshot) once due, then clears the mark."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
from arq.connections import ArqRedis
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import disk_erasure, keys
from core.visits.models import Language, Registration, RegistrationStatus
from core.visits.store import RegistrationStore
from core.visits.tokens import TokenAction, issue
from devstack.mailsink import MailSink
from tests.integration.visits.conftest import (
    VisitIndex,
    indexed_visit,
    register,
    registration_input,
    visit_settings,
)
from tests.integration.visits.own_redis import OwnRedis, own_redis
from tests.live_app import serve
from workers.disk_erasure import erase_personal_data_from_disk
from workers.maintenance import purge_expired

ERASE = "mutation($t: String!) { eraseStudyVisitRegistration(token: $t) { result } }"
ERASED_NAME, ERASED_EMAIL = "Elsa Raderasdotter", "elsa.raderas@example.se"
KEPT_NAME, KEPT_EMAIL = "Kurt Behallsson", "kurt.behalls@example.se"


async def _disk_no_longer_holds(server: OwnRedis, text: str) -> list[str]:
    """The files still holding ``text`` once Redis's deletion of replaced files had up to
    5 s (it unlinks them in a background thread after the rewrite)."""
    deadline = time.monotonic() + 5
    while (holding := server.disk_holds(text)) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return holding


async def test_an_erased_registration_leaves_the_append_only_file_and_the_snapshot(
    tmp_path: Path, visit_index: VisitIndex, smtp_sink: MailSink,
) -> None:
    with own_redis(tmp_path) as server:
        redis = Redis.from_url(server.url)
        # Snapshots on and uncompressed, so a name or email in dump.rdb would be seen.
        await redis.config_set("save", "3600 1")
        await redis.config_set("rdbcompression", "no")
        await redis.config_set("aof-use-rdb-preamble", "no")
        settings = visit_settings(visit_index, server.url, smtp_sink)
        try:
            with serve(settings) as api:
                async with httpx.AsyncClient(timeout=20) as client:
                    erased = await register(client, api, registration_input(
                        visit_index.roomy, ERASED_EMAIL, name=ERASED_NAME))
                    await register(client, api, registration_input(
                        visit_index.roomy, KEPT_EMAIL, name=KEPT_NAME))
                    await redis.bgsave()
                    while (await redis.info("persistence"))["rdb_bgsave_in_progress"]:
                        await asyncio.sleep(0.05)
                    assert server.disk_holds(ERASED_EMAIL) == [
                        "appendonly.aof.1.incr.aof", "dump.rdb"]
                    token = issue(settings.secret_key, erased["registration"]["id"],
                                  TokenAction.ERASE, int(time.time()) + 3600)
                    response = await client.post(f"{api}/graphql",
                                                 json={"query": ERASE, "variables": {"t": token}})
                    assert response.json()["data"]["eraseStudyVisitRegistration"] == {
                        "result": "DONE"}
            assert await redis.exists(keys.registration(erased["registration"]["id"])) == 0
            mark = await disk_erasure.pending(redis)
            assert mark is not None and abs(mark.since - time.time()) < 60

            # Not due yet (a day's bound): nothing rewritten, the files still hold the data.
            rewrites = (await redis.info("persistence"))["aof_rewrites"]
            ctx: dict[str, Any] = {"settings": settings, "redis": redis}
            assert (await erase_personal_data_from_disk(ctx)).startswith("erasure pending")
            assert (await redis.info("persistence"))["aof_rewrites"] == rewrites
            assert server.disk_holds(ERASED_NAME) == ["appendonly.aof.1.incr.aof", "dump.rdb"]

            due = visit_settings(visit_index, server.url, smtp_sink,
                                 PERSONAL_DATA_DISK_ERASURE_HOURS="0.0001")
            outcome = await erase_personal_data_from_disk({"settings": due, "redis": redis})
            assert outcome == "rewritten, mark cleared"
            assert await disk_erasure.pending(redis) is None
            for text in (ERASED_EMAIL, ERASED_NAME):
                assert await _disk_no_longer_holds(server, text) == []
            assert server.disk_holds(KEPT_EMAIL) == ["appendonly.aof.2.base.aof", "dump.rdb"]
            assert await erase_personal_data_from_disk(ctx) == "no erasure pending"
        finally:
            await redis.aclose()


def _registration(visit: Any, number: int, expires_at: int) -> Registration:
    now = int(time.time())
    return Registration(
        id=f"disk-erasure-{number}", status=RegistrationStatus.PENDING, visit=visit,
        name="Per Purge", email=f"per{number}@example.se", phone=None, language=Language.SV,
        created_at=now, updated_at=now, expires_at=expires_at)


async def test_the_purge_marks_its_erasures_and_a_later_erasure_keeps_the_mark(
    vsettings: Settings, visit_index: VisitIndex, queue: ArqRedis,
) -> None:
    """The purge of expired registrations goes through the same erase (so it sets the mark);
    an erasure after the rewrite's start keeps the mark, with ``since`` moved to that start."""
    visit = await indexed_visit(vsettings, visit_index.roomy)
    store = RegistrationStore(queue)
    now = int(time.time())
    for number in (1, 2):
        await store.reserve(_registration(visit, number, now + 3600), f"digest-{number}", now)
    await queue.zadd(keys.EXPIRIES, {"disk-erasure-1": now - 10})
    assert await disk_erasure.pending(queue) is None
    ctx = {"settings": vsettings, "redis": queue, "store": store}
    assert (await purge_expired(ctx)).startswith("purged 1,")
    seen = await disk_erasure.pending(queue)
    assert seen is not None and seen.erasures == "1"

    await store.erase("disk-erasure-2", ())  # after the (imagined) rewrite started
    assert not await disk_erasure.settle(queue, seen, now + 5)
    after = await disk_erasure.pending(queue)
    assert after is not None and after.since == now + 5 and after.erasures == "2"
    assert await disk_erasure.settle(queue, after, now + 6)
    assert await disk_erasure.pending(queue) is None
