"""Indexing throughput: a generated feed set into a fresh Meilisearch, timed.

    .venv/bin/python bench/indexing.py [--courses 100000] [--providers 800]

Starts its own Meilisearch on a free loopback port with a temporary data folder,
generates the feeds, runs ``indexer load --rebuild`` in-process and prints documents/s,
seconds and the index size on disk. Nothing outside the temporary folder is touched.
"""

from __future__ import annotations

import argparse
import datetime
import secrets
import sys
import tempfile
import time
from pathlib import Path

from meilisearch import Client

from core.reference import load_reference
from devstack.meilisearch_binary import ensure_meilisearch
from devstack.processes import free_port, start_meilisearch
from devstack.sample_feeds import generate_feeds, write_feeds
from indexer.loader import CourseIndexer


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=100_000)
    parser.add_argument("--providers", type=int, default=800)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-indexing-") as tmp:
        work = Path(tmp)
        started = time.monotonic()
        feeds = generate_feeds(
            providers=args.providers, courses=args.courses, today=datetime.date.today()
        )
        paths = write_feeds(feeds, work / "feeds")
        generated = time.monotonic() - started
        feed_bytes = sum(p.stat().st_size for p in paths)
        key = secrets.token_urlsafe(24)
        port = free_port()
        server = start_meilisearch(
            ensure_meilisearch(), work / "meili", port, key, work / "meili.log"
        )
        try:
            client = Client(f"http://127.0.0.1:{port}", key, timeout=120)
            indexer = CourseIndexer(
                client,
                "courses",
                load_reference(),
                1800,
                progress=lambda line: print(line, file=sys.stderr),
            )
            summary = indexer.rebuild(paths)
            stats = client.get_all_stats()
            on_disk = folder_size(work / "meili" / "data.ms")
        finally:
            server.stop()
    print(
        f"feeds: {len(paths)} files, {args.courses} courses, {feed_bytes / 1e6:.1f} MB, "
        f"generated in {generated:.1f} s"
    )
    print(
        f"indexed: {summary.indexed} documents in {summary.seconds:.1f} s "
        f"= {summary.indexed / summary.seconds:.0f} documents/s "
        f"(validation + mapping + upload + Meilisearch indexing, rejected {summary.rejected})"
    )
    print(
        f"index size: databaseSize {stats['databaseSize'] / 1e6:.1f} MB, "
        f"data.ms on disk {on_disk / 1e6:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
