"""The indexer against a real Meilisearch."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from meilisearch import Client

from core.reference import load_reference
from core.settings import Settings
from indexer.cli import main as indexer_main
from indexer.loader import CourseIndexer
from indexer.tasks import TaskFailed
from tests.factories import make_course, make_feed, organisation_number

ORG_A = organisation_number("556677889")
ORG_B = organisation_number("802002438")


def _indexer(settings: Settings) -> CourseIndexer:
    client = Client(settings.meili_url, settings.meili_master_key)
    return CourseIndexer(client, settings.meili_index, load_reference(), 60)


def _write(folder: Path, name: str, feed: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(feed), encoding="utf-8")
    return path


def _ids(settings: Settings, filter_: str | None = None) -> set[str]:
    index = Client(settings.meili_url, settings.meili_master_key).index(settings.meili_index)
    params: dict[str, Any] = {"limit": 1000, "fields": ["id"]}
    if filter_:
        params["filter"] = filter_
    return {doc.id for doc in index.get_documents(params).results}


def _total(settings: Settings) -> int:
    index = Client(settings.meili_url, settings.meili_master_key).index(settings.meili_index)
    result = index.search("", {"hitsPerPage": 1, "page": 1})
    return int(result["totalHits"])


def test_load_indexes_every_valid_course(settings: Settings, tmp_path: Path) -> None:
    a = _write(tmp_path, "a.json", make_feed([make_course(f"A{i}") for i in range(30)], ORG_A))
    b = _write(
        tmp_path,
        "b.json",
        make_feed(
            [make_course(f"B{i}") for i in range(7)], ORG_B, name="Norrlands Yrkesakademi AB"
        ),
    )
    summary = _indexer(settings).load([a, b])
    assert (summary.indexed, summary.rejected, summary.removed, summary.files) == (37, 0, 0, 2)
    assert _total(settings) == 37
    assert len(_ids(settings, f'providerOrgNumber = "{ORG_B}"')) == 7
    status = _indexer(settings).status()
    assert status["documents"] == 37
    assert status["settingsDrift"] == []
    visits = sum(len(c.get("studyVisits", [])) for f in (a, b)
                 for c in json.loads(f.read_text(encoding="utf-8"))["courses"])
    assert visits
    assert status["visitIndex"] == {
        "index": f"{settings.meili_index}_visits", "exists": True, "documents": visits,
        "isIndexing": False, "settingsDrift": []}


def test_withdrawn_course_disappears_and_other_providers_stay(
    settings: Settings, tmp_path: Path
) -> None:
    indexer = _indexer(settings)
    b = _write(tmp_path, "b.json", make_feed([make_course("B1")], ORG_B))
    indexer.load(
        [
            _write(
                tmp_path,
                "a.json",
                make_feed([make_course("K1"), make_course("K2"), make_course("K3")], ORG_A),
            ),
            b,
        ]
    )
    summary = indexer.load(
        [
            _write(
                tmp_path / "next",
                "a.json",
                make_feed([make_course("K1"), make_course("K3", title={"sv": "Ny titel"})], ORG_A),
            )
        ]
    )
    digits = ORG_A.replace("-", "")
    assert summary.removed == 1
    assert _ids(settings) == {f"{digits}-K1", f"{digits}-K3", f"{ORG_B.replace('-', '')}-B1"}
    index = Client(settings.meili_url, settings.meili_master_key).index(settings.meili_index)
    assert index.get_document(f"{digits}-K3").title == "Ny titel"


def test_empty_feed_withdraws_every_course_of_its_provider(
    settings: Settings, tmp_path: Path
) -> None:
    indexer = _indexer(settings)
    indexer.load(
        [_write(tmp_path, "a.json", make_feed([make_course("K1"), make_course("K2")], ORG_A))]
    )
    summary = indexer.load([_write(tmp_path / "n", "a.json", make_feed([], ORG_A))])
    assert summary.removed == 2
    assert _total(settings) == 0


def test_rejected_record_is_reported_and_keeps_its_last_good_version(
    settings: Settings, tmp_path: Path
) -> None:
    indexer = _indexer(settings)
    indexer.load(
        [_write(tmp_path, "a.json", make_feed([make_course("K1"), make_course("K2")], ORG_A))]
    )
    bad = make_course("K2", places=0)
    path = _write(
        tmp_path / "n", "a.json", make_feed([make_course("K1"), bad, make_course("K3")], ORG_A)
    )
    summary = indexer.load([path])
    assert summary.indexed == 2
    assert [(r.record_id, r.field) for r in summary.rejections] == [("K2", "places")]
    assert str(path) in str(summary.rejections[0])
    digits = ORG_A.replace("-", "")
    assert _ids(settings) == {f"{digits}-K1", f"{digits}-K2", f"{digits}-K3"}


def test_cli_exit_code_says_whether_anything_was_rejected(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in {
        "MEILI_URL": settings.meili_url,
        "MEILI_MASTER_KEY": settings.meili_master_key,
        "MEILI_INDEX": settings.meili_index,
        "REDIS_URL": settings.redis_url,
        "SECRET_KEY": settings.secret_key,
    }.items():
        monkeypatch.setenv(name, value)
    good = _write(tmp_path / "good", "a.json", make_feed([make_course("K1")], ORG_A))
    assert indexer_main(["load", str(good), "--quiet"]) == 0
    assert "1 documents indexed, 0 rejected" in capsys.readouterr().out
    bad = _write(
        tmp_path / "bad",
        "a.json",
        make_feed([make_course("K1"), make_course("K9", delivery="teleport")], ORG_A),
    )
    assert indexer_main(["load", str(bad), "--quiet"]) == 2
    captured = capsys.readouterr()
    assert "rejected: " in captured.err and "record K9: delivery:" in captured.err
    assert indexer_main(["load", str(tmp_path / "missing.json")]) == 1
    assert indexer_main(["settings"]) == 0
    assert "settings up to date" in capsys.readouterr().out
    assert indexer_main(["status"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["visitIndex"]["exists"] and status["version"]  # the loads bumped it
    monkeypatch.delenv("SECRET_KEY")
    assert indexer_main(["status"]) == 1
    assert "SECRET_KEY is required but not set" in capsys.readouterr().err


def test_settings_are_applied_once(settings: Settings) -> None:
    indexer = _indexer(settings)
    assert "filterableAttributes" in indexer.apply_settings()
    assert indexer.apply_settings() == []


def test_rebuild_swaps_with_no_empty_or_partial_window(settings: Settings, tmp_path: Path) -> None:
    indexer = _indexer(settings)
    indexer.load(
        [_write(tmp_path, "a.json", make_feed([make_course(f"OLD{i}") for i in range(40)], ORG_A))]
    )
    new_feeds = [
        _write(
            tmp_path / "new",
            "a.json",
            make_feed([make_course(f"NEW{i}") for i in range(6000)], ORG_A),
        ),
        _write(
            tmp_path / "new",
            "b.json",
            make_feed([make_course(f"B{i}") for i in range(3000)], ORG_B),
        ),
    ]
    seen: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            seen.append(_total(settings))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        summary = indexer.rebuild(new_feeds)
        time.sleep(0.2)
    finally:
        stop.set()
        watcher.join()
    assert (summary.indexed, summary.removed) == (9000, 40)
    assert set(seen) <= {40, 9000}, sorted(set(seen))
    assert seen[0] == 40 and seen[-1] == 9000
    assert _total(settings) == 9000
    names = [
        i.uid
        for i in Client(settings.meili_url, settings.meili_master_key).get_indexes({"limit": 1000})[
            "results"
        ]
    ]
    assert not [n for n in names if n.startswith(f"{settings.meili_index}_build_")]


def test_failed_task_leaves_the_live_index_untouched(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    indexer = _indexer(settings)
    indexer.load([_write(tmp_path, "a.json", make_feed([make_course("K1")], ORG_A))])
    before = _ids(settings)
    original = CourseIndexer._documents

    def with_bad_id(self: CourseIndexer, feed: Any, load_id: str) -> list[dict[str, Any]]:
        documents = list(original(self, feed, load_id))
        documents[-1]["id"] = "not a valid id!"
        return documents

    monkeypatch.setattr(CourseIndexer, "_documents", with_bad_id)
    feed = _write(
        tmp_path / "n", "a.json", make_feed([make_course("N1"), make_course("N2")], ORG_A)
    )
    with pytest.raises(TaskFailed, match="invalid_document_id"):
        indexer.rebuild([feed])
    assert _ids(settings) == before
    names = [
        i.uid
        for i in Client(settings.meili_url, settings.meili_master_key).get_indexes({"limit": 1000})[
            "results"
        ]
    ]
    assert not [n for n in names if n.startswith(f"{settings.meili_index}_build_")]


def test_cli_refuses_to_write_without_redis_and_never_prints_its_password(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from devstack.processes import free_port

    closed = free_port()
    for name, value in {
        "MEILI_URL": settings.meili_url, "MEILI_MASTER_KEY": settings.meili_master_key,
        "MEILI_INDEX": settings.meili_index, "SECRET_KEY": settings.secret_key,
        "REDIS_URL": f"redis://:hunter2-secret@127.0.0.1:{closed}/0",
    }.items():
        monkeypatch.setenv(name, value)
    feed = _write(tmp_path, "a.json", make_feed([make_course("K1")], ORG_A))
    assert indexer_main(["load", str(feed), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert f"Redis at 127.0.0.1:{closed} cannot be reached" in err
    assert "hunter2" not in err
    assert _indexer(settings).status() == {"index": settings.meili_index, "exists": False}
