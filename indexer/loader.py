"""Loading provider feeds into the course index: upsert, withdrawal, zero-downtime rebuild."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meilisearch import Client
from meilisearch.errors import MeilisearchApiError
from meilisearch.models.task import TaskInfo

from core.meili_filter import quote, quote_list
from core.reference import Reference
from core.visits.visit_records import RECORD_FIELDS, VisitRecords
from indexer.batches import BatchWriter
from indexer.documents import course_document_id, to_search_document
from indexer.feed import Feed, Rejection, iter_feed_paths, read_feed
from indexer.index_settings import index_settings, settings_differ
from indexer.tasks import wait_for_task
from indexer.visit_documents import visit_documents, visit_index_settings, visit_index_uid

BUILD_SUFFIX = "_build_"

VISIT_SOURCE_FIELDS = (*RECORD_FIELDS, "providerOrgNumber", "studyVisits")

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


def visit_source(document: dict[str, Any]) -> dict[str, Any]:
    """What :class:`VisitRecords` reads of a course document (kept for the whole load
    instead of the document, whose descriptions are most of its size)."""
    return {name: document[name] for name in VISIT_SOURCE_FIELDS if name in document}


def _file_rejections(rejections: list[Rejection]) -> int:
    return sum(r.record_id == "(file)" for r in rejections)


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
        rejections: list[Rejection] = []
        return list(self.read_lazily(paths, rejections)), rejections

    def read_lazily(self, paths: Iterable[Path], rejections: list[Rejection]) -> Iterator[Feed]:
        """The valid feeds one by one as they are read; rejections are added to the list."""
        for number, path in enumerate(iter_feed_paths(paths), start=1):
            if number % 100 == 0:
                self.progress(f"{number} feed files read and validated")
            result = read_feed(path, self.reference)
            if isinstance(result, Rejection):
                rejections.append(result)
            else:
                rejections.extend(result.rejections)
                yield result

    def load(self, paths: Sequence[Path]) -> LoadSummary:
        """Upsert each feed's courses and remove the provider's courses it no longer lists;
        each feed is mapped and sent while Meilisearch indexes the ones before it."""
        rejections: list[Rejection] = []
        return self.load_feeds(self.read_lazily(paths, rejections), rejections)

    def load_feeds(self, feeds: Iterable[Feed], rejections: list[Rejection]) -> LoadSummary:
        """:meth:`load` of feeds already read (the CLI reads them once, to plan first)."""
        started = time.monotonic()
        self.apply_settings()
        self.apply_visit_settings()
        load_id = f"load-{time.time_ns()}"
        courses = BatchWriter(self.client, self.index_uid, self._wait, self.progress)
        visits = BatchWriter(self.client, self.visit_index_uid, self._wait, self.progress)
        sources: list[dict[str, Any]] = []
        kept: dict[str, set[str]] = {}  # organisation number -> rejected courses' ids
        files = 0
        for feed in feeds:
            files += 1
            kept[feed.provider["organisationNumber"]] = set(
                rejected_ids(feed.provider, feed.rejections, feed.file))
            for document in self._documents(feed, load_id):
                courses.add(document)
                visits.add_all(visit_documents(document))
                if self.visit_records is not None:
                    sources.append(visit_source(document))
        summary = LoadSummary(files=files + _file_rejections(rejections),
                              rejections=rejections)
        summary.indexed = courses.finish()
        visits.finish()
        # Only once every new version is in: one deletion task per index for everything
        # the loaded providers no longer list (rejected courses keep their last version).
        if kept:
            withdrawn = self._withdrawal(load_id, list(kept), sorted(set().union(*kept.values())))
            deletions = [self.client.index(self.index_uid).delete_documents(
                             filter=withdrawn("id")),
                         self.client.index(self.visit_index_uid).delete_documents(
                             filter=withdrawn("courseId"))]
            details = self._wait(deletions[0]).details or {}
            summary.removed = int(details.get("deletedDocuments") or 0)
            self._wait(deletions[1])
        if self.visit_records is not None:
            self.visit_records.loaded(sources, kept)
        summary.seconds = time.monotonic() - started
        return summary

    def rebuild(self, paths: Sequence[Path]) -> LoadSummary:
        """Build a fresh index beside the live one, verify it, swap it in, drop the old;
        each feed is mapped and sent while Meilisearch indexes the ones before it."""
        rejections: list[Rejection] = []
        return self.rebuild_feeds(self.read_lazily(paths, rejections), rejections)

    def rebuild_feeds(self, feeds: Iterable[Feed], rejections: list[Rejection]) -> LoadSummary:
        """:meth:`rebuild` from feeds already read."""
        started = time.monotonic()
        self._drop_stale_builds()
        stamp = time.time_ns()
        build_uid = f"{self.index_uid}{BUILD_SUFFIX}{stamp}"
        visit_build_uid = f"{self.visit_index_uid}{BUILD_SUFFIX}{stamp}"
        load_id = f"rebuild-{stamp}"
        ids: set[str] = set()
        visit_ids: set[str] = set()
        sources: list[dict[str, Any]] = []
        files = 0
        try:
            self.apply_settings(build_uid)
            self.apply_visit_settings(visit_build_uid)
            courses = BatchWriter(self.client, build_uid, self._wait, self.progress)
            visits = BatchWriter(self.client, visit_build_uid, self._wait, self.progress)

            def write(documents: Iterable[dict[str, Any]]) -> None:
                for document in documents:
                    courses.add(document)
                    ids.add(document["id"])
                    for visit in visit_documents(document):
                        visits.add(visit)
                        visit_ids.add(visit["id"])
                    if self.visit_records is not None:
                        sources.append(visit_source(document))

            kept: list[str] = []
            for feed in feeds:
                files += 1
                kept.extend(rejected_ids(feed.provider, feed.rejections, feed.file))
                write(self._documents(feed, load_id))
            write(self._kept_versions(kept))
            summary = LoadSummary(files=files + _file_rejections(rejections),
                                  rejections=rejections)
            summary.indexed = courses.finish()
            visits.finish()
            self._check_count(build_uid, len(ids))
            self._check_count(visit_build_uid, len(visit_ids))
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
            self.visit_records.rebuilt(sources)
        self._drop_index(visit_build_uid)
        summary.removed = len(previous - ids)
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

    def _documents(self, feed: Feed, load_id: str) -> Iterator[dict[str, Any]]:
        for course in feed.courses:
            document = to_search_document(feed.provider, course, self.reference)
            document["loadId"] = load_id
            yield document

    def _check_count(self, uid: str, expected: int) -> None:
        actual = self.client.index(uid).get_stats().number_of_documents
        if actual != expected:
            raise RuntimeError(
                f"rebuild of {self.index_uid!r}: the new index {uid!r} holds {actual} "
                f"documents, expected {expected}; the live index was left as it was"
            )

    def _withdrawal(self, load_id: str, providers: list[str],
                    kept: list[str]) -> Callable[[str], str]:
        """The filter of the loaded providers' documents this load did not write, except
        rejected ones: a course whose new record was rejected keeps its last good version
        (and its visits: in the visit index, the course attribute is ``courseId``)."""
        clauses = f"providerOrgNumber IN {quote_list(providers)} AND loadId != {quote(load_id)}"

        def on(course_attribute: str) -> str:
            if not kept:
                return clauses
            return f"{clauses} AND {course_attribute} NOT IN {quote_list(kept)}"
        return on

    def _kept_versions(self, ids: list[str]) -> list[dict[str, Any]]:
        """Live documents of courses whose new record was rejected, carried into a rebuild."""
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
