"""Streaming documents into one index: batches posted as they fill, every task checked.

The loader maps feed after feed into documents and hands them here one by one; each is
serialised as it is added, straight into the batch's body (only its bytes are kept, a
fraction of the memory of the mapped dictionaries), and a full batch is posted at once,
without waiting for Meilisearch to index it, so reading, validating and mapping go on
while Meilisearch indexes. Only the batch being filled is held in memory.
:meth:`BatchWriter.finish` posts the last batch and waits for every task, each with the
indexer's deadline, failing loudly on the first that failed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

import orjson
from meilisearch import Client
from meilisearch.models.task import TaskInfo

BATCH_SIZE = 5_000


class BatchWriter:
    """Adds documents to ``uid`` in batches of ``batch_size``; ``wait`` checks a task."""

    def __init__(self, client: Client, uid: str, wait: Callable[[TaskInfo], Any],
                 progress: Callable[[str], None], batch_size: int | None = None) -> None:
        self.index = client.index(uid)
        self.uid = uid
        self.wait = wait
        self.progress = progress
        self.batch_size = batch_size or BATCH_SIZE
        # The batch's JSON array, written as the documents come. Not a list of each
        # document's bytes: orjson gives every result an 8 KiB block whatever its length
        # (a course document is 3 KiB, a visit's 0.8), so 5,000 of them held 40-50 MiB
        # per index where their bytes are 4-15 MiB.
        self.body = bytearray(b"[")
        self.size = 0
        self.tasks: list[tuple[TaskInfo, int]] = []
        self.posted = 0

    def add(self, document: dict[str, Any]) -> None:
        if self.size:
            self.body += b","
        self.body += orjson.dumps(document)
        self.size += 1
        if self.size >= self.batch_size:
            self._post()

    def add_all(self, documents: Iterable[dict[str, Any]]) -> None:
        for document in documents:
            self.add(document)

    def _post(self) -> None:
        self.body += b"]"
        task = self.index.add_documents_raw(bytes(self.body), primary_key="id",
                                            content_type="application/json")
        self.tasks.append((task, self.size))
        self.posted += self.size
        self.body = bytearray(b"[")
        self.size = 0

    def finish(self) -> int:
        """Post what is left, wait for every task in order; the documents written."""
        if self.size:
            self._post()
        done = 0
        started = time.monotonic()
        for task, size in self.tasks:
            self.wait(task)
            done += size
            rate = done / max(time.monotonic() - started, 1e-9)
            self.progress(f"{self.uid}: {done}/{self.posted} documents indexed ({rate:.0f}/s)")
        self.tasks = []
        return done
