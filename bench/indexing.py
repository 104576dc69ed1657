"""Indexing throughput: our two load modes against raw add-documents, in one run.

    .venv/bin/python bench/indexing.py [--courses 100000] [--providers 800] [--rounds 2]

Starts its own Meilisearch on a free loopback port with a temporary data folder and
generates the feeds. Each round measures, one after the other on that Meilisearch, each
into a fresh index with the declared settings:

- ``raw``: the indexer's own mapped documents, serialised beforehand, posted as
  5,000-document batches all at once, timed from the first post to the last task done
  (the engine alone, same work): the course documents and the study-visit documents
  derived from them, each into its index with its declared settings, since every load
  writes both;
- ``load``: ``CourseIndexer.load`` of the feed files into an empty index (reading,
  validation, mapping, upload, indexing, the visit index and the withdrawal task);
- ``rebuild``: ``CourseIndexer.rebuild`` of the same files (the same, plus the count
  checks and the swap).

Each mode runs in a child process of its own, which reports its peak resident memory
(``VmHWM``: the child's ``ru_maxrss`` would start at this process's peak, which holds the
generated feeds); the ratio is raw seconds / mode seconds (1.0 = as fast as the engine).
The modes run in turn, in reverse order every second round. No Redis is involved: the
loads write no visit records (the CLI's loads also write those to Redis afterwards).

CPU accounting, over each mode's timed span: the seconds (user + system) used by the
Meilisearch process (``/proc/<pid>/stat``) and by our own process (``time.process_time``),
and for the raw side also what it spent before its clock started (reading, validating,
mapping, serialising). Both share the machine's cores, so a mode can take no less than
(engine CPU + our CPU) / cores seconds: the "bound" column, and "best" the ratio that
bound would give (raw seconds / bound). A mode whose ratio is below 0.8 while its best is
above it loses time to waiting (the engine's batching), not to CPU. "batches" counts the
engine's batches that added documents (``GET /batches``): each has a cost of its own.
Nothing outside the temporary folder is touched.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
from meilisearch import Client
from procstat import cpu_seconds, peak_rss_bytes

from core.reference import load_reference
from devstack.meilisearch_binary import ensure_meilisearch
from devstack.processes import free_port, start_meilisearch
from devstack.sample_feeds import generate_feeds, write_feeds
from indexer.batches import BATCH_SIZE
from indexer.loader import CourseIndexer
from indexer.tasks import wait_for_task
from indexer.visit_documents import visit_documents, visit_index_uid

TIMEOUT = 1800.0
MODES = ("raw", "load", "rebuild")
CORES = os.cpu_count() or 1


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def peak_rss_mib() -> float:
    return peak_rss_bytes() / 2**20


def last_batch(client: Client) -> int:
    batches = client.get_batches({"limit": 1}).results
    return batches[0].uid if batches else -1


def document_batches(client: Client, after: int) -> int:
    """The engine's batches that added documents since batch ``after``."""
    count = 0
    for batch in client.get_batches({"limit": 1000}).results:
        types = (batch.stats or {}).get("types")
        if batch.uid > after and isinstance(types, dict) and "documentAdditionOrUpdate" in types:
            count += 1
    return count


class Clock:
    """Wall seconds, our CPU seconds and the engine's CPU seconds and document batches from
    its start."""

    def __init__(self, client: Client, engine_pid: int) -> None:
        self.client = client
        self.engine = [engine_pid]
        self.batch = last_batch(client)
        self.started = time.monotonic()
        self.ours = time.process_time()
        self.engine_cpu = cpu_seconds(self.engine)

    def read(self) -> dict[str, float]:
        return {"seconds": time.monotonic() - self.started,
                "cpu_ours": time.process_time() - self.ours,
                "cpu_engine": cpu_seconds(self.engine) - self.engine_cpu,
                "batches": document_batches(self.client, self.batch),
                "peak_rss_mib": peak_rss_mib()}


def raw(client: Client, indexer: CourseIndexer, paths: list[Path], uid: str,
        engine_pid: int) -> dict[str, Any]:
    """The engine alone: the mapped documents of both indexes (courses and study visits, as
    a load writes them) posted as batches all at once."""
    prep = time.process_time()
    feeds, _ = indexer.read(paths)
    documents = [doc for feed in feeds for doc in indexer._documents(feed, "raw")]
    visits = [visit for doc in documents for visit in visit_documents(doc)]
    visit_uid = visit_index_uid(uid)
    bodies = [(uid, orjson.dumps(documents[i:i + BATCH_SIZE]))
              for i in range(0, len(documents), BATCH_SIZE)]
    bodies += [(visit_uid, orjson.dumps(visits[i:i + BATCH_SIZE]))
               for i in range(0, len(visits), BATCH_SIZE)]
    del feeds
    prep = time.process_time() - prep
    indexer.apply_settings(uid)
    indexer.apply_visit_settings(visit_uid)
    clock = Clock(client, engine_pid)
    tasks = [client.index(target).add_documents_raw(body, primary_key="id",
                                                    content_type="application/json")
             for target, body in bodies]
    for task in tasks:
        wait_for_task(client, task, TIMEOUT)
    return {**clock.read(), "documents": len(documents), "visits": len(visits),
            "cpu_prep": prep}


def child(mode: str, url: str, key: str, uid: str, folder: Path,
          engine_pid: int) -> dict[str, Any]:
    client = Client(url, key, timeout=120)
    indexer = CourseIndexer(client, uid, load_reference(), TIMEOUT)
    paths = sorted(folder.glob("*.json"))
    if mode == "raw":
        return raw(client, indexer, paths, uid, engine_pid)
    clock = Clock(client, engine_pid)
    summary = indexer.rebuild(paths) if mode == "rebuild" else indexer.load(paths)
    return {**clock.read(), "documents": summary.indexed, "rejected": summary.rejected}


def run_child(mode: str, url: str, key: str, uid: str, folder: Path,
              engine_pid: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, url, key, uid, str(folder),
         str(engine_pid)],
        check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def drop(client: Client, uid: str) -> None:
    for index in client.get_indexes({"limit": 1000})["results"]:
        if index.uid.startswith(uid):
            wait_for_task(client, client.delete_index(index.uid), TIMEOUT)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        mode, url, key, uid, folder, pid = argv[1:7]
        print(json.dumps(child(mode, url, key, uid, Path(folder), int(pid))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=100_000)
    parser.add_argument("--providers", type=int, default=800)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-indexing-") as tmp:
        work = Path(tmp)
        feeds = generate_feeds(
            providers=args.providers, courses=args.courses, today=datetime.date.today()
        )
        paths = write_feeds(feeds, work / "feeds")
        del feeds
        feed_bytes = sum(p.stat().st_size for p in paths)
        print(f"feeds: {len(paths)} files, {args.courses} courses, {feed_bytes / 1e6:.1f} MB")
        key = secrets.token_urlsafe(24)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = start_meilisearch(
            ensure_meilisearch(), work / "meili", port, key, work / "meili.log"
        )
        try:
            client = Client(url, key, timeout=120)
            assert server.process is not None
            engine_pid = server.process.pid
            print(f"CPU seconds over each mode's timed span; {CORES}-core bound = "
                  f"(engine CPU + our CPU) / {CORES}, best = raw seconds / bound")
            print(f"{'round':>5} {'mode':<8} {'documents':>9} {'seconds':>8} {'docs/s':>7} "
                  f"{'ratio':>6} {'CPU engine':>10} {'CPU ours':>8} {'bound':>6} "
                  f"{'best':>5} {'batches':>7} {'peak RSS MiB':>12}")
            for number in range(1, args.rounds + 1):
                results: dict[str, dict[str, Any]] = {}
                # The modes take turns in going first, so that a drift in the shared
                # machine's speed weighs on the raw side and ours alike.
                order = MODES if number % 2 else MODES[::-1]
                for mode in order:
                    uid = f"courses_{mode}"
                    results[mode] = run_child(mode, url, key, uid, work / "feeds", engine_pid)
                    if mode == "rebuild":
                        size = folder_size(work / "meili" / "data.ms")
                    drop(client, uid)
                raw_seconds = results["raw"]["seconds"]
                for mode in MODES:
                    result = results[mode]
                    rate = result["documents"] / result["seconds"]
                    bound = (result["cpu_engine"] + result["cpu_ours"]) / CORES
                    print(f"{number:>5} {mode:<8} {result['documents']:>9} "
                          f"{result['seconds']:>8.1f} {rate:>7.0f} "
                          f"{raw_seconds / result['seconds']:>6.2f} "
                          f"{result['cpu_engine']:>10.1f} {result['cpu_ours']:>8.1f} "
                          f"{bound:>6.1f} {raw_seconds / bound:>5.2f} "
                          f"{result['batches']:>7} {result['peak_rss_mib']:>12.0f}")
                print(f"{'':>5} raw: {results['raw']['cpu_prep']:.1f} CPU seconds before its "
                      "clock (reading, validating, mapping, serialising both indexes)")
        finally:
            server.stop()
    print(f"data.ms on disk after the last rebuild: {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
