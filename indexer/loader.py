"""Loading provider feeds into the course index: upsert, withdrawal, zero-downtime rebuild."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from meilisearch import Client
from meilisearch.errors import MeilisearchApiError
from meilisearch.models.task import TaskInfo

from core.meili_filter import quote, quote_list
from core.reference import Reference
from core.visits.visit_records import VisitRecords
from indexer.documents import course_document_id, to_search_document
from indexer.feed import Feed, Rejection, iter_feed_paths, read_feed
from indexer.index_settings import index_settings, settings_differ
from indexer.tasks import wait_for_task
from indexer.visit_documents import visit_documents, visit_index_settings, visit_index_uid

BATCH_SIZE = 5_000
BUILD_SUFFIX = "_build_"

Progress = Callable[[str], None]


@dataclass
class LoadSummary:
    """What one load did."""

    files: int = 0
    indexed: int = 0
    removed: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def describe(self) -> str:
        rate = self.indexed / self.seconds if self.seconds > 0 else 0.0
        return (
            f"{self.files} feed files: {self.indexed} documents indexed, "
            f"{self.rejected} rejected, {self.removed} removed in {self.seconds:.1f} s "
            f"({rate:.0f} documents/s)"
        )


def rejected_ids(
    feed_provider: dict[str, Any], rejections: Iterable[Rejection], file: str
) -> list[str]:
    """Document ids of the file's rejected courses (those with an id): their live versions stay."""
    number = feed_provider["organisationNumber"]
    return [
        course_document_id(number, r.record_id)
        for r in rejections
        if r.file == file and r.record_id != "(file)" and not r.record_id.startswith("courses[")
    ]


def _quiet(_: str) -> None:
    return None


class CourseIndexer:
    """Writes to the course index; every write waits for its task with a deadline."""

    def __init__(
        self,
        client: Client,
        index_uid: str,
        reference: Reference,
        task_timeout_seconds: float = 120.0,
        progress: Progress = _quiet,
        on_write: Callable[[], None] | None = None,
        visit_records: VisitRecords | None = None,
    ) -> None:
        self.client = client
        self.index_uid = index_uid
        self.reference = reference
        self.timeout = task_timeout_seconds
        self.progress = progress
        # Called after every completed write task (the CLI bumps the search-index version
        # in Redis with it, so that API caches never outlive an index change).
        self.on_write = on_write
        # Given the documents after a completed load or rebuild: registration reads the
        # visits from Redis, so that it works while Meilisearch is down.
        self.visit_records = visit_records
        self.visit_index_uid = visit_index_uid(index_uid)

    # -- settings ---------------------------------------------------------------------

    def apply_settings(self, uid: str | None = None) -> list[str]:
        """Bring the index's settings to the declared ones; returns the names changed."""
        uid = uid or self.index_uid
        self._ensure_index(uid)
        wanted = index_settings(self.reference)
        changed = settings_differ(self.client.index(uid).get_settings(), wanted)
        if changed:
            self._wait(self.client.index(uid).update_settings(wanted))
        return changed

    def apply_visit_settings(self, uid: str | None = None) -> list[str]:
        """The same for the study-visit index (``indexer.visit_documents``)."""
        uid = uid or self.visit_index_uid
        self._ensure_index(uid)
        wanted = visit_index_settings(self.reference)
        changed = settings_differ(self.client.index(uid).get_settings(), wanted)
        if changed:
            self._wait(self.client.index(uid).update_settings(wanted))
        return changed

    # -- loads ------------------------------------------------------------------------

    def read(self, paths: Iterable[Path]) -> tuple[list[Feed], list[Rejection]]:
        feeds: list[Feed] = []
        rejections: list[Rejection] = []
        for number, path in enumerate(iter_feed_paths(paths), start=1):
            if number % 100 == 0:
                self.progress(f"{number} feed files read and validated")
            result = read_feed(path, self.reference)
            if isinstance(result, Rejection):
                rejections.append(result)
            else:
                feeds.append(result)
                rejections.extend(result.rejections)
        return feeds, rejections

    def load(self, paths: Sequence[Path]) -> LoadSummary:
        """Upsert each feed's courses and remove the provider's courses it no longer lists."""
        return self.load_feeds(*self.read(paths))

    def load_feeds(self, feeds: list[Feed], rejections: list[Rejection]) -> LoadSummary:
        """:meth:`load` of feeds already read (the CLI reads them once, to plan first)."""
        started = time.monotonic()
        summary = LoadSummary(files=len(feeds) + sum(r.record_id == "(file)" for r in rejections))
        summary.rejections = rejections
        self.apply_settings()
        self.apply_visit_settings()
        load_id = f"load-{time.time_ns()}"
        documents = [doc for feed in feeds for doc in self._documents(feed, load_id)]
        summary.indexed = self._add(self.index_uid, documents)
        self._add(self.visit_index_uid, [v for doc in documents for v in visit_documents(doc)])
        for feed in feeds:
            summary.removed += self._remove_withdrawn(feed, load_id)
            self._remove_withdrawn(feed, load_id, self.visit_index_uid, "courseId")
        if self.visit_records is not None:
            self.visit_records.loaded(documents, {
                feed.provider["organisationNumber"]: set(
                    rejected_ids(feed.provider, feed.rejections, feed.file))
                for feed in feeds})
        summary.seconds = time.monotonic() - started
        return summary

    def rebuild(self, paths: Sequence[Path]) -> LoadSummary:
        """Build a fresh index beside the live one, verify it, swap it in, drop the old."""
        return self.rebuild_feeds(*self.read(paths))

    def rebuild_feeds(self, feeds: list[Feed], rejections: list[Rejection]) -> LoadSummary:
        """:meth:`rebuild` from feeds already read."""
        started = time.monotonic()
        summary = LoadSummary(files=len(feeds) + sum(r.record_id == "(file)" for r in rejections))
        summary.rejections = rejections
        self._drop_stale_builds()
        stamp = time.time_ns()
        build_uid = f"{self.index_uid}{BUILD_SUFFIX}{stamp}"
        visit_build_uid = f"{self.visit_index_uid}{BUILD_SUFFIX}{stamp}"
        load_id = f"rebuild-{stamp}"
        try:
            self.apply_settings(build_uid)
            self.apply_visit_settings(visit_build_uid)
            documents = [doc for feed in feeds for doc in self._documents(feed, load_id)]
            documents.extend(self._kept_versions(feeds, rejections))
            visits = [v for doc in documents for v in visit_documents(doc)]
            summary.indexed = self._add(build_uid, documents)
            self._add(visit_build_uid, visits)
            self._check_count(build_uid, len({doc["id"] for doc in documents}))
            self._check_count(visit_build_uid, len({visit["id"] for visit in visits}))
            previous = self._live_ids()
            self._ensure_index(self.index_uid)
            self._ensure_index(self.visit_index_uid)
            # One swap task for both pairs: Meilisearch swaps them atomically together, so a
            # search never sees new courses beside old visits.
            self._wait(self.client.swap_indexes([
                {"indexes": [self.index_uid, build_uid]},
                {"indexes": [self.visit_index_uid, visit_build_uid]},
            ]))
        except BaseException:
            self._drop_index(build_uid)
            self._drop_index(visit_build_uid)
            raise
        self._drop_index(build_uid)
        if self.visit_records is not None:
            self.visit_records.rebuilt(documents)
        self._drop_index(visit_build_uid)
        summary.removed = len(previous - {doc["id"] for doc in documents})
        summary.seconds = time.monotonic() - started
        return summary

    # -- status -----------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """Document count, indexing state, size and settings drift of the live course index,
        and the same of the visit index beside it (``visitIndex``)."""
        stats = self.client.get_all_stats()
        state = self._index_state(stats, self.index_uid, index_settings(self.reference))
        if not state["exists"]:
            return state
        return {
            **state,
            "databaseSizeBytes": stats.get("databaseSize"),
            "lastUpdate": stats.get("lastUpdate"),
            "visitIndex": self._index_state(stats, self.visit_index_uid,
                                            visit_index_settings(self.reference)),
        }

    def _index_state(self, stats: dict[str, Any], uid: str, wanted: dict[str, Any]
                     ) -> dict[str, Any]:
        index_stats = stats.get("indexes", {}).get(uid)
        if index_stats is None:
            return {"index": uid, "exists": False}
        return {
            "index": uid,
            "exists": True,
            "documents": index_stats["numberOfDocuments"],
            "isIndexing": index_stats["isIndexing"],
            "settingsDrift": settings_differ(self.client.index(uid).get_settings(), wanted),
        }

    # -- internals --------------------------------------------------------------------

    def _documents(self, feed: Feed, load_id: str) -> list[dict[str, Any]]:
        documents = []
        for course in feed.courses:
            document = to_search_document(feed.provider, course, self.reference)
            document["loadId"] = load_id
            documents.append(document)
        return documents

    def _add(self, uid: str, documents: list[dict[str, Any]]) -> int:
        index = self.client.index(uid)
        tasks: list[tuple[TaskInfo, int]] = []
        for start in range(0, len(documents), BATCH_SIZE):
            batch = documents[start : start + BATCH_SIZE]
            body = orjson.dumps(batch)
            tasks.append(
                (
                    index.add_documents_raw(
                        body, primary_key="id", content_type="application/json"
                    ),
                    len(batch),
                )
            )
        done = 0
        started = time.monotonic()
        for task, size in tasks:
            self._wait(task)
            done += size
            rate = done / max(time.monotonic() - started, 1e-9)
            self.progress(f"{uid}: {done}/{len(documents)} documents indexed ({rate:.0f}/s)")
        return done

    def _check_count(self, uid: str, expected: int) -> None:
        actual = self.client.index(uid).get_stats().number_of_documents
        if actual != expected:
            raise RuntimeError(
                f"rebuild of {self.index_uid!r}: the new index {uid!r} holds {actual} "
                f"documents, expected {expected}; the live index was left as it was"
            )

    def _remove_withdrawn(self, feed: Feed, load_id: str, uid: str | None = None,
                          course_attribute: str = "id") -> int:
        """Delete the provider's documents this feed did not write, except rejected ones.

        A course whose new record was rejected keeps its last good version (and its visits:
        in the visit index, ``course_attribute`` is ``courseId``).
        """
        clauses = [
            f"providerOrgNumber = {quote(feed.provider['organisationNumber'])}",
            f"loadId != {quote(load_id)}",
        ]
        kept = rejected_ids(feed.provider, feed.rejections, feed.file)
        if kept:
            clauses.append(f"{course_attribute} NOT IN {quote_list(kept)}")
        task = self._wait(
            self.client.index(uid or self.index_uid).delete_documents(
                filter=" AND ".join(clauses))
        )
        details = task.details or {}
        return int(details.get("deletedDocuments") or 0)

    def _kept_versions(
        self, feeds: list[Feed], rejections: list[Rejection]
    ) -> list[dict[str, Any]]:
        """Live documents of courses whose new record was rejected, carried into a rebuild."""
        ids = [
            i for feed in feeds for i in rejected_ids(feed.provider, rejections, feed.file)
        ]
        if not ids or self.document_count(self.index_uid) == 0:
            return []
        found = self.client.index(self.index_uid).get_documents(
            {"filter": f"id IN {quote_list(ids)}", "limit": len(ids)}
        )
        return [dict(doc) for doc in found.results]

    def _live_ids(self) -> set[str]:
        """Every document id of the live index (empty when it does not exist yet)."""
        if not self._index_exists(self.index_uid):
            return set()
        index = self.client.index(self.index_uid)
        ids: set[str] = set()
        offset = 0
        while True:
            page = index.get_documents({"fields": ["id"], "limit": 10_000, "offset": offset})
            ids.update(doc.id for doc in page.results)
            offset += len(page.results)
            if not page.results or offset >= page.total:
                return ids

    def document_count(self, uid: str) -> int:
        try:
            return int(self.client.index(uid).get_stats().number_of_documents)
        except MeilisearchApiError as exc:
            if exc.code == "index_not_found":
                return 0
            raise

    def _ensure_index(self, uid: str) -> None:
        if not self._index_exists(uid):
            self._wait(self.client.create_index(uid, {"primaryKey": "id"}))

    def _index_exists(self, uid: str) -> bool:
        try:
            self.client.get_index(uid)
        except MeilisearchApiError as exc:
            if exc.code == "index_not_found":
                return False
            raise
        return True

    def _drop_index(self, uid: str) -> None:
        if self._index_exists(uid):
            self._wait(self.client.delete_index(uid))

    def _drop_stale_builds(self) -> None:
        prefixes = (f"{self.index_uid}{BUILD_SUFFIX}", f"{self.visit_index_uid}{BUILD_SUFFIX}")
        indexes = self.client.get_indexes({"limit": 1000})["results"]
        for index in indexes:
            if index.uid.startswith(prefixes):
                self._drop_index(index.uid)

    def _wait(self, task: TaskInfo) -> Any:
        result = wait_for_task(self.client, task, self.timeout)
        if self.on_write is not None:
            self.on_write()
        return result
