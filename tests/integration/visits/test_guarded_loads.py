"""Guarded loads and dry runs of the indexer CLI, against real Meilisearch and Redis.

Two providers with upcoming study visits and real registrations (stored by the same Lua
script the API uses); the CLI is run as an operator would, through its ``main``.
"""

from __future__ import annotations

import datetime
import json
import re
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from meilisearch import Client
from redis import Redis as SyncRedis
from redis.asyncio import Redis

from core.redis_values import as_text
from core.search.index_version import version_key
from core.settings import Settings
from core.visits import keys
from core.visits.awaiting import result
from core.visits.models import Language, Registration, RegistrationStatus
from core.visits.pseudonyms import email_digest
from core.visits.store import RegistrationStore
from devstack.mailsink import MailSink
from indexer.cli import main as indexer_main
from indexer.documents import course_document_id, study_visit_id
from indexer.visit_documents import visit_index_uid
from tests.factories import make_course, make_feed, organisation_number
from tests.integration.visits.conftest import VisitIndex, indexed_visit, visit_settings
from tests.live_app import run_worker

ORG_A = organisation_number("556677889")
ORG_B = organisation_number("802002438")
NAME_B = "Norrlands Yrkesakademi AB"


# One moment for every feed of the module: a feed written a minute after the first load
# must not move its visits (that would be a reschedule the test did not ask for).
_TODAY = datetime.datetime.now(datetime.UTC).replace(minute=0, second=0, microsecond=0)


def _visit(visit_id: str, days: int) -> dict[str, Any]:
    start = _TODAY + datetime.timedelta(days=days)
    return {"id": visit_id, "start": start.isoformat(), "durationMinutes": 60, "capacity": 20}


def _feed_a(**changes: Any) -> dict[str, Any]:
    courses = {
        "A1": make_course("A1", studyVisits=[_visit("V1", 5)]),
        "A2": make_course("A2", studyVisits=[_visit("V1", 6), _visit("V2", 7)]),
        "A3": make_course("A3", studyVisits=[_visit("V1", 8)]),
    }
    courses.update(changes)
    return make_feed([c for c in courses.values() if c is not None], ORG_A)


def _feed_b(courses: int = 2) -> dict[str, Any]:
    return make_feed(
        [make_course(f"B{i}", studyVisits=[_visit("V1", 9)]) for i in range(courses)],
        ORG_B, name=NAME_B)


def _write(folder: Path, **feeds: dict[str, Any]) -> Path:
    folder.mkdir(parents=True)
    for name, feed in feeds.items():
        (folder / f"{name}.json").write_text(json.dumps(feed), encoding="utf-8")
    return folder


def _vid(org: str, course: str, visit: str) -> str:
    return study_visit_id(course_document_id(org, course), visit)


@pytest.fixture
def cli_settings(visit_index: VisitIndex, redis_url: str, smtp_sink: MailSink,
                 monkeypatch: pytest.MonkeyPatch) -> Settings:
    """An index of this test's own; the CLI's environment points at it."""
    settings = visit_settings(visit_index, redis_url, smtp_sink,
                              MEILI_INDEX=f"guard_{uuid.uuid4().hex[:10]}")
    for name, value in {
        "MEILI_URL": settings.meili_url, "MEILI_MASTER_KEY": settings.meili_master_key,
        "MEILI_INDEX": settings.meili_index, "REDIS_URL": settings.redis_url,
        "SECRET_KEY": settings.secret_key,
    }.items():
        monkeypatch.setenv(name, value)
    return settings


async def _register(settings: Settings, redis: Redis, visit_id: str, count: int) -> list[str]:
    visit = await indexed_visit(settings, visit_id)
    now = int(time.time())
    ids = []
    for number in range(count):
        registration = Registration(
            id=f"reg-{uuid.uuid4().hex[:12]}", status=RegistrationStatus.PENDING, visit=visit,
            name=f"Person {number}", email=f"p{number}@example.se", phone=None,
            language=Language.SV, created_at=now, updated_at=now, expires_at=now + 86_400 * 40)
        await RegistrationStore(redis).reserve(
            registration, email_digest(settings.secret_key, registration.email), now)
        ids.append(registration.id)
    return ids


def _index_state(settings: Settings) -> dict[str, Any]:
    """Everything an unwanted write would change: documents, settings, stats, tasks."""
    client = Client(settings.meili_url, settings.meili_master_key)
    index = client.index(settings.meili_index)
    documents = index.get_documents({"limit": 1000}).results
    stats = index.get_stats()
    return {
        "documents": sorted((dict(doc) for doc in documents), key=lambda d: str(d["id"])),
        "settings": index.get_settings(),
        "count": stats.number_of_documents,
        "visits": client.index(visit_index_uid(settings.meili_index)).get_stats(
        ).number_of_documents,
        "tasks": client.get_tasks({"limit": 1}).total,
    }


def _redis_state(settings: Settings) -> dict[bytes, Any]:
    """Every key of the test's Redis database with its serialized value and expiry."""
    client = SyncRedis.from_url(settings.redis_url)
    try:
        return {key: (client.dump(key), int(client.pttl(key)) // 60_000)  # type: ignore[arg-type]
                for key in client.scan_iter(count=1000)}
    finally:
        client.close()


async def _loaded(settings: Settings, redis: Redis, tmp_path: Path) -> dict[str, list[str]]:
    """Both providers loaded; registrations on B's visits and on each visit of A2 and A3."""
    assert indexer_main(["load", str(_write(tmp_path / "both", a=_feed_a(), b=_feed_b())),
                         "--quiet"]) == 0
    return {
        "b": await _register(settings, redis, _vid(ORG_B, "B0", "V1"), 3)
        + await _register(settings, redis, _vid(ORG_B, "B1", "V1"), 1),
        "a2v2": await _register(settings, redis, _vid(ORG_A, "A2", "V2"), 2),
        "a3": await _register(settings, redis, _vid(ORG_A, "A3", "V1"), 1),
        "a2v1": await _register(settings, redis, _vid(ORG_A, "A2", "V1"), 1),
    }


async def test_a_rebuild_without_a_providers_feed_is_refused_and_changes_nothing(
    cli_settings: Settings, redis: Redis, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await _loaded(cli_settings, redis, tmp_path)
    index_before, redis_before = _index_state(cli_settings), _redis_state(cli_settings)
    capsys.readouterr()
    only_a = _write(tmp_path / "only-a", a=_feed_a())
    assert indexer_main(["load", str(only_a), "--rebuild", "--quiet"]) == 3
    err = capsys.readouterr().err
    assert f"{ORG_B} {NAME_B} (2 courses)" in err and "--remove-missing-providers" in err
    assert ORG_A not in err
    # A provider's feed listing no course would remove it just as wholesale.
    empty_b = _write(tmp_path / "empty-b", b=_feed_b(courses=0))
    assert indexer_main(["load", str(empty_b), "--quiet"]) == 3
    assert f"{ORG_B} {NAME_B} (2 courses)" in capsys.readouterr().err
    assert _index_state(cli_settings) == index_before
    assert _redis_state(cli_settings) == redis_before
    # A plain load of a subset never removes the providers it has no feed for.
    assert indexer_main(["load", str(only_a), "--quiet"]) == 0
    after = _index_state(cli_settings)
    assert after["count"] == index_before["count"] == 5
    assert [d for d in after["documents"] if d["providerOrgNumber"] == ORG_B] == [
        d for d in index_before["documents"] if d["providerOrgNumber"] == ORG_B]


def _numbers(line: str) -> dict[str, int]:
    found = re.findall(r"(\d+) (added|changed|withdrawn|unchanged|removed|rescheduled|"
                       r"cancelled by removed visits|on rescheduled visits)", line)
    return {what: int(count) for count, what in found}


async def test_dry_run_writes_nothing_and_counts_what_the_forced_removal_then_does(
    cli_settings: Settings, redis: Redis, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registrations = await _loaded(cli_settings, redis, tmp_path)
    # B is missing; A1 unchanged; A2 loses visit V2 (2 registrations) and V1 moves a day;
    # A3 withdrawn (1 registration); A4 new.
    feeds = _write(tmp_path / "next", a=_feed_a(
        A2=make_course("A2", studyVisits=[_visit("V1", 7)]), A3=None,
        A4=make_course("A4", studyVisits=[_visit("V1", 3)])))
    index_before, redis_before = _index_state(cli_settings), _redis_state(cli_settings)
    capsys.readouterr()
    command = ["load", str(feeds), "--rebuild", "--quiet"]
    assert indexer_main([*command, "--dry-run"]) == 3
    out = capsys.readouterr().out
    assert _index_state(cli_settings) == index_before
    assert _redis_state(cli_settings) == redis_before
    planned = _numbers(out.splitlines()[0])
    assert planned == {"added": 1, "changed": 1, "withdrawn": 3, "unchanged": 1,
                       "removed": 4, "rescheduled": 1,
                       "cancelled by removed visits": 2 + 1 + 4, "on rescheduled visits": 1}
    assert f"would remove provider {ORG_B} {NAME_B} (2 courses)" in out
    # the live indexes: 6 visits now (A1 1, A2 2, A3 1, B 2); A1, A2 and A4 keep 1 each
    live = out.splitlines()[1]
    visits_uid = visit_index_uid(cli_settings.meili_index)
    assert f"{cli_settings.meili_index} {index_before['count']} documents" in live
    assert f"{visits_uid} 6 documents (3 after the load)" in live
    version = as_text(await redis.get(version_key(cli_settings.meili_index)))
    assert live.endswith(f"index version {version}")

    assert indexer_main([*command, "--remove-missing-providers"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert _numbers(lines[1]) == planned
    assert f"removed provider {ORG_B} {NAME_B} (2 courses)" in lines
    after = _index_state(cli_settings)
    assert "3 removed" in lines[0]
    assert after["count"] == index_before["count"] + planned["added"] - planned["withdrawn"]
    assert after["visits"] == 3
    # The worker's reconciliation (enqueued by the load) cancels exactly those counted.
    await run_worker(cli_settings)
    cancelled = [i for group in registrations.values() for i in group
                 if as_text(await result(redis.hget(keys.registration(i), "status")) or "")
                 == "CANCELLED"]
    assert sorted(cancelled) == sorted(
        registrations["b"] + registrations["a2v2"] + registrations["a3"])
    assert len(cancelled) == planned["cancelled by removed visits"]


def test_load_if_empty_loads_only_into_a_missing_or_empty_index(
    cli_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _write(tmp_path / "first", b=_feed_b())
    assert indexer_main(["load", str(first), "--if-empty", "--quiet"]) == 0
    before = _index_state(cli_settings)
    assert before["count"] == 2
    capsys.readouterr()
    other = _write(tmp_path / "other", a=_feed_a())
    assert indexer_main(["load", str(other), "--if-empty", "--rebuild", "--quiet"]) == 0
    assert "already holds 2 courses; nothing loaded" in capsys.readouterr().out
    assert _index_state(cli_settings) == before
