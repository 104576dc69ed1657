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
(``ru_maxrss``); the ratio is raw seconds / mode seconds (1.0 = as fast as the engine).
The modes run in turn, in reverse order every second round. No Redis is involved: the
loads write no visit records (the CLI's loads also write those to Redis afterwards).
Nothing outside the temporary folder is touched.
"""

from __future__ import annotations

import argparse
import datetime
import json
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
from meilisearch import Client

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


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def raw(client: Client, indexer: CourseIndexer, paths: list[Path], uid: str) -> dict[str, Any]:
    """The engine alone: the mapped documents of both indexes (courses and study visits, as
    a load writes them) posted as batches all at once."""
    feeds, _ = indexer.read(paths)
    documents = [doc for feed in feeds for doc in indexer._documents(feed, "raw")]
    visits = [visit for doc in documents for visit in visit_documents(doc)]
    visit_uid = visit_index_uid(uid)
    bodies = [(uid, orjson.dumps(documents[i:i + BATCH_SIZE]))
              for i in range(0, len(documents), BATCH_SIZE)]
    bodies += [(visit_uid, orjson.dumps(visits[i:i + BATCH_SIZE]))
               for i in range(0, len(visits), BATCH_SIZE)]
    del feeds
    indexer.apply_settings(uid)
    indexer.apply_visit_settings(visit_uid)
    started = time.monotonic()
    tasks = [client.index(target).add_documents_raw(body, primary_key="id",
                                                    content_type="application/json")
             for target, body in bodies]
    for task in tasks:
        wait_for_task(client, task, TIMEOUT)
    return {"seconds": time.monotonic() - started, "documents": len(documents),
            "visits": len(visits), "peak_rss_mib": peak_rss_mib()}


def child(mode: str, url: str, key: str, uid: str, folder: Path) -> dict[str, Any]:
    client = Client(url, key, timeout=120)
    indexer = CourseIndexer(client, uid, load_reference(), TIMEOUT)
    paths = sorted(folder.glob("*.json"))
    if mode == "raw":
        return raw(client, indexer, paths, uid)
    started = time.monotonic()
    summary = indexer.rebuild(paths) if mode == "rebuild" else indexer.load(paths)
    return {"seconds": time.monotonic() - started, "documents": summary.indexed,
            "rejected": summary.rejected, "peak_rss_mib": peak_rss_mib()}


def run_child(mode: str, url: str, key: str, uid: str, folder: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, url, key, uid, str(folder)],
        check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def drop(client: Client, uid: str) -> None:
    for index in client.get_indexes({"limit": 1000})["results"]:
        if index.uid.startswith(uid):
            wait_for_task(client, client.delete_index(index.uid), TIMEOUT)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        mode, url, key, uid, folder = argv[1:6]
        print(json.dumps(child(mode, url, key, uid, Path(folder))))
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
            print(f"{'round':>5} {'mode':<8} {'documents':>9} {'seconds':>8} {'docs/s':>7} "
                  f"{'ratio':>6} {'peak RSS MiB':>12}")
            for number in range(1, args.rounds + 1):
                results: dict[str, dict[str, Any]] = {}
                # The modes take turns in going first, so that a drift in the shared
                # machine's speed weighs on the raw side and ours alike.
                order = MODES if number % 2 else MODES[::-1]
                for mode in order:
                    uid = f"courses_{mode}"
                    results[mode] = run_child(mode, url, key, uid, work / "feeds")
                    if mode == "rebuild":
                        size = folder_size(work / "meili" / "data.ms")
                    drop(client, uid)
                for mode in MODES:
                    result = results[mode]
                    ratio = results["raw"]["seconds"] / result["seconds"]
                    rate = result["documents"] / result["seconds"]
                    print(f"{number:>5} {mode:<8} {result['documents']:>9} "
                          f"{result['seconds']:>8.1f} {rate:>7.0f} {ratio:>6.2f} "
                          f"{result['peak_rss_mib']:>12.0f}")
        finally:
            server.stop()
    print(f"data.ms on disk after the last rebuild: {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
