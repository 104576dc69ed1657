"""The indexer's streaming load against a real Meilisearch: many batches in flight, one
withdrawal task per load, and nothing withdrawn when a batch failed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from meilisearch import Client

from core.reference import load_reference
from core.settings import Settings
from indexer import batches
from indexer.batches import BatchWriter
from indexer.loader import CourseIndexer
from indexer.tasks import TaskFailed, wait_for_task
from tests.factories import make_course, make_feed, organisation_number

ORG_A = organisation_number("556677889")
ORG_B = organisation_number("802002438")
A, B = ORG_A.replace("-", ""), ORG_B.replace("-", "")


def _client(settings: Settings) -> Client:
    return Client(settings.meili_url, settings.meili_master_key)


def _indexer(settings: Settings) -> CourseIndexer:
    return CourseIndexer(_client(settings), settings.meili_index, load_reference(), 60)


def _write(folder: Path, name: str, feed: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(feed), encoding="utf-8")
    return path


def _ids(settings: Settings, uid: str) -> set[str]:
    index = _client(settings).index(uid)
    return {doc.id for doc in index.get_documents({"limit": 1000, "fields": ["id"]}).results}


def _deletions(settings: Settings, uid: str) -> int:
    tasks = _client(settings).get_tasks({"indexUids": [uid], "types": ["documentDeletion"],
                                         "limit": 1000})
    return len(tasks.results)


def test_batch_writer_posts_full_batches_and_checks_every_task(settings: Settings) -> None:
    client = _client(settings)
    uid = f"{settings.meili_index}_batches"
    lines: list[str] = []
    writer = BatchWriter(client, uid, lambda task: wait_for_task(client, task, 30),
                         lines.append, batch_size=3)
    writer.add_all({"id": f"d{i}", "n": i} for i in range(7))
    assert len(writer.tasks) == 2 and writer.size == 1  # two batches posted, one pending
    assert writer.finish() == 7
    assert len(lines) == 3 and lines[-1].startswith(f"{uid}: 7/7 documents indexed")
    assert _ids(settings, uid) == {f"d{i}" for i in range(7)}


def test_batch_writer_fails_loudly_on_a_failed_task(settings: Settings) -> None:
    client = _client(settings)
    writer = BatchWriter(client, f"{settings.meili_index}_batches",
                         lambda task: wait_for_task(client, task, 30), lambda _: None)
    writer.add({"id": "not a valid id!"})
    with pytest.raises(TaskFailed, match="invalid_document_id"):
        writer.finish()


def test_load_in_small_batches_withdraws_with_one_task_per_index(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches, "BATCH_SIZE", 2)
    indexer = _indexer(settings)
    indexer.load([
        _write(tmp_path, "a.json", make_feed([make_course(f"K{i}") for i in range(5)], ORG_A)),
        _write(tmp_path, "b.json", make_feed([make_course(f"B{i}") for i in range(3)], ORG_B)),
    ])
    course_deletions = _deletions(settings, indexer.index_uid)
    visit_deletions = _deletions(settings, indexer.visit_index_uid)
    summary = indexer.load([
        _write(tmp_path / "n", "a.json",
               make_feed([make_course("K0"), make_course("K1", places=0), make_course("K9")],
                         ORG_A)),
        _write(tmp_path / "n", "b.json", make_feed([make_course("B2")], ORG_B)),
    ])
    # K2-K4 and B0-B1 withdrawn; K1's new record was rejected and keeps its last version.
    assert (summary.indexed, summary.removed, summary.rejected) == (3, 5, 1)
    assert _ids(settings, indexer.index_uid) == {f"{A}-K0", f"{A}-K1", f"{A}-K9", f"{B}-B2"}
    visits = _client(settings).index(indexer.visit_index_uid).get_documents(
        {"limit": 1000, "fields": ["courseId"]}).results
    assert {v.courseId for v in visits} == {f"{A}-K0", f"{A}-K1", f"{A}-K9", f"{B}-B2"}
    assert _deletions(settings, indexer.index_uid) == course_deletions + 1
    assert _deletions(settings, indexer.visit_index_uid) == visit_deletions + 1


def test_failed_batch_of_a_load_withdraws_nothing(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    indexer = _indexer(settings)
    indexer.load([_write(tmp_path, "a.json",
                         make_feed([make_course("K1"), make_course("K2")], ORG_A))])
    original = CourseIndexer._documents

    def with_bad_id(self: CourseIndexer, feed: Any, load_id: str) -> list[dict[str, Any]]:
        documents = list(original(self, feed, load_id))
        documents[-1]["id"] = "not a valid id!"
        return documents

    monkeypatch.setattr(CourseIndexer, "_documents", with_bad_id)
    with pytest.raises(TaskFailed, match="invalid_document_id"):
        indexer.load([_write(tmp_path / "n", "a.json",
                             make_feed([make_course("N1"), make_course("N2")], ORG_A))])
    # The failed batch wrote nothing, and nothing of the provider was withdrawn.
    assert _ids(settings, indexer.index_uid) == {f"{A}-K1", f"{A}-K2"}


def test_waiting_for_a_task_past_its_deadline_fails_loudly(settings: Settings) -> None:
    client = _client(settings)
    uid = f"{settings.meili_index}_deadline"
    task = client.index(uid).add_documents([{"id": f"d{i}", "n": i} for i in range(20_000)])
    with pytest.raises(TaskFailed, match=f"task {task.task_uid} did not finish within 0 s"):
        wait_for_task(client, task, 0)
    assert wait_for_task(client, task, 60).status == "succeeded"
