"""Loads written to every Meilisearch instance of ``MEILI_URLS``.

Meilisearch Community Edition does not replicate, so the indexer does: a load (or a
rebuild, which swaps on every instance) runs the ordinary :class:`CourseIndexer` once per
instance, each with a client of its own, after checking that every instance answers
(one that does not fails the load before anything is written anywhere). Then it compares
the instances' document counts. Only when every instance succeeded and they agree is the
search-index version bumped (once, at the end), so that the API's caches move on.

An instance that failed part-way keeps what it had or got (the others have the load): it
*fell behind*. Redis keeps which load each instance last completed
(``index:<uid>:instances``, beside the current one), ``indexer status`` lists an instance
whose load is not the current one as behind, and the next load or rebuild that succeeds
everywhere brings it up to date (a rebuild rewrites the whole index).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, cast

from meilisearch.errors import MeilisearchError
from redis import Redis
from redis.exceptions import RedisError

from indexer.feed import Feed, Rejection
from indexer.loader import CourseIndexer, LoadSummary
from indexer.tasks import TaskFailed

CURRENT_FIELD = "@current"


def instances_key(index_uid: str) -> str:
    """Hash: instance URL → token of the last load it completed; ``@current``: the last
    load that completed everywhere (or was tried)."""
    return f"index:{index_uid}:instances"


class InstancesDiffer(TaskFailed):
    """A load did not complete on every instance: the index version was left as it was."""


class ReplicatedIndexer(CourseIndexer):
    """A :class:`CourseIndexer` whose writes go to every instance; reads (planning, counts)
    use the first."""

    def __init__(self, replicas: Sequence[tuple[str, CourseIndexer]],
                 redis: Redis | None, on_complete: Callable[[], None] | None) -> None:
        first = replicas[0][1]
        super().__init__(first.client, first.index_uid, first.reference, first.timeout,
                         first.progress)
        self.replicas = list(replicas)
        self.redis = redis
        self.on_complete = on_complete

    def apply_settings(self, uid: str | None = None) -> list[str]:
        changed: list[str] = []
        for _, replica in self.replicas:
            changed = replica.apply_settings(uid) or changed
        return changed

    def load(self, paths: Sequence[Path]) -> LoadSummary:
        """Each instance streams the feeds from the files itself."""
        return self._everywhere(lambda replica: replica.load(paths))

    def rebuild(self, paths: Sequence[Path]) -> LoadSummary:
        return self._everywhere(lambda replica: replica.rebuild(paths))

    def load_feeds(self, feeds: Iterable[Feed], rejections: list[Rejection]) -> LoadSummary:
        read = list(feeds)  # every instance gets the same feeds
        return self._everywhere(lambda replica: replica.load_feeds(read, rejections))

    def rebuild_feeds(self, feeds: Iterable[Feed], rejections: list[Rejection]) -> LoadSummary:
        read = list(feeds)
        return self._everywhere(lambda replica: replica.rebuild_feeds(read, rejections))

    def _everywhere(self, write: Callable[[CourseIndexer], LoadSummary]) -> LoadSummary:
        silent = [url for url, replica in self.replicas if not _answers(replica)]
        if silent:
            raise InstancesDiffer(f"Meilisearch at {', '.join(silent)} does not answer; "
                                  "nothing was written to any instance")
        token = secrets.token_hex(8)
        self._record(CURRENT_FIELD, token)
        summaries: list[LoadSummary] = []
        failures: list[str] = []
        for url, replica in self.replicas:
            replica.progress(f"instance {url}")
            try:
                summaries.append(write(replica))
            except (TaskFailed, MeilisearchError, OSError) as exc:
                failures.append(f"{url}: {exc}")
        if not failures:
            counts = {url: replica.document_count(replica.index_uid)
                      for url, replica in self.replicas}
            if len(set(counts.values())) > 1:
                failures.append("document counts differ: " + ", ".join(
                    f"{url} {count}" for url, count in counts.items()))
        if failures:
            raise InstancesDiffer(
                "the load did not complete on every Meilisearch instance, so the index "
                "version was not changed; run the load again (or `--rebuild`) once every "
                "instance answers: " + "; ".join(failures))
        for url, _ in self.replicas:
            self._record(url, token)
        if self.on_complete is not None:
            self.on_complete()
        return summaries[0]

    def _record(self, field: str, token: str) -> None:
        if self.redis is not None:
            self.redis.hset(instances_key(self.index_uid), field, token)

    def status(self) -> dict[str, Any]:
        """The first instance's status, and every instance's count and whether it is
        behind (``null``: unknown, Redis did not answer)."""
        status = self.replicas[0][1].status()
        loads: dict[str, str] = {}
        if self.redis is not None:
            try:
                raw = cast(dict[Any, Any], self.redis.hgetall(instances_key(self.index_uid)))
                loads = {_text(k): _text(v) for k, v in raw.items()}
            except (RedisError, OSError):
                self.redis = None
        current = loads.get(CURRENT_FIELD)
        instances = []
        for url, replica in self.replicas:
            entry: dict[str, Any] = {"url": url, "answers": _answers(replica)}
            if entry["answers"]:
                entry["documents"] = replica.document_count(replica.index_uid)
            entry["behind"] = None if self.redis is None else (
                not entry["answers"] or (current is not None and loads.get(url) != current))
            instances.append(entry)
        status["instances"] = instances
        status["instancesBehind"] = [e["url"] for e in instances if e["behind"]]
        return status


def _answers(replica: CourseIndexer) -> bool:
    try:
        return bool(replica.client.is_healthy())
    except (MeilisearchError, OSError):
        return False


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
