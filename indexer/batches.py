"""Streaming documents into one index: batches serialised as they fill, every task checked.

The loader maps feed after feed into documents and hands them here one by one; each is
serialised as it is added (only its bytes are kept, a fraction of the memory of the
mapped dictionaries). A full batch is posted at once, without waiting for Meilisearch to
index it, or, in a *held* writer, kept in a temporary file until
:meth:`BatchWriter.release` posts every held batch together. Only the batch being filled
is held in memory.
:meth:`BatchWriter.finish` posts what is left and waits for every task, each with the
indexer's deadline, failing loudly on the first that failed.

Why hold: Meilisearch indexes the tasks enqueued for an index together, as one batch,
and a batch costs a fixed part that grows with the index (about 15-20 s per batch at
100,000 courses on the 2-core bench machine, ``bench/indexing.py``). Batches posted the
moment they fill meet an engine that takes each as it comes, so a load whose reading is
slower than its indexing ends in many small batches (nine instead of the raw upload's
three at 100,000 courses, 60 % more engine time). The loader therefore releases the held
batches in two waves: half the feeds, indexed while the other half is read, validated
and mapped, then the rest.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterable
from typing import IO, Any

import orjson
from meilisearch import Client
from meilisearch.models.task import TaskInfo

BATCH_SIZE = 5_000


class BatchWriter:
    """Adds documents to ``uid`` in batches of ``batch_size``; ``wait`` checks a task;
    with ``hold``, full batches wait in a temporary file for :meth:`release`."""

    def __init__(self, client: Client, uid: str, wait: Callable[[TaskInfo], Any],
                 progress: Callable[[str], None], batch_size: int | None = None,
                 hold: bool = False) -> None:
        self.index = client.index(uid)
        self.uid = uid
        self.wait = wait
        self.progress = progress
        self.batch_size = batch_size or BATCH_SIZE
        self.batch: list[bytes] = []  # the documents, serialised as they come
        self.tasks: list[tuple[TaskInfo, int]] = []
        self.posted = 0
        self.hold = hold
        self._spool: IO[bytes] | None = None
        self._held: list[tuple[int, int]] = []  # (bytes, documents) of each held batch

    def add(self, document: dict[str, Any]) -> None:
        self.batch.append(orjson.dumps(document))
        if len(self.batch) >= self.batch_size:
            self._full()

    def add_all(self, documents: Iterable[dict[str, Any]]) -> None:
        for document in documents:
            self.add(document)

    @property
    def held(self) -> int:
        """Batches waiting for :meth:`release`."""
        return len(self._held)

    def _full(self) -> None:
        body = b"[" + b",".join(self.batch) + b"]"
        if self.hold:
            if self._spool is None:  # closed by finish(); unlinked from the start
                self._spool = tempfile.TemporaryFile(prefix="indexer-batches-")  # noqa: SIM115
            self._spool.write(body)
            self._held.append((len(body), len(self.batch)))
        else:
            self._post(body, len(self.batch))
        self.batch = []

    def _post(self, body: bytes, documents: int) -> None:
        task = self.index.add_documents_raw(body, primary_key="id",
                                            content_type="application/json")
        self.tasks.append((task, documents))
        self.posted += documents

    def release(self) -> None:
        """Post every held batch, one after the other without waiting."""
        if self._spool is None or not self._held:
            return
        self._spool.seek(0)
        for size, documents in self._held:
            self._post(self._spool.read(size), documents)
        self._held = []
        self._spool.seek(0)
        self._spool.truncate()

    def finish(self) -> int:
        """Post what is left, wait for every task in order; the documents written."""
        if self.batch:
            self._full()
        self.release()
        if self._spool is not None:
            self._spool.close()
            self._spool = None
        done = 0
        started = time.monotonic()
        for task, size in self.tasks:
            self.wait(task)
            done += size
            rate = done / max(time.monotonic() - started, 1e-9)
            self.progress(f"{self.uid}: {done}/{self.posted} documents indexed ({rate:.0f}/s)")
        self.tasks = []
        return done
