"""What planning a load costs: the comparison every ``indexer load`` now runs first.

    .venv/bin/python bench/load_plan.py [--courses 100000] [--providers 800]

Starts its own Meilisearch and Redis on free loopback ports with temporary data folders,
rebuilds the index from a generated feed set, then times, on the same feeds against that
live index: reading and validating them (what a load did before planning), and the plan
of a plain load and of a rebuild (reading the live documents, mapping the feeds and
comparing; counting registrations). Prints seconds; nothing outside the temporary folder
is touched.
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
from redis import Redis

from core.reference import load_reference
from devstack.meilisearch_binary import ensure_meilisearch
from devstack.processes import free_port, start_meilisearch, start_redis
from devstack.sample_feeds import generate_feeds, write_feeds
from indexer.loader import CourseIndexer
from indexer.plan import plan_load


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=100_000)
    parser.add_argument("--providers", type=int, default=800)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-plan-") as tmp:
        work = Path(tmp)
        paths = write_feeds(generate_feeds(providers=args.providers, courses=args.courses,
                                           today=datetime.date.today()), work / "feeds")
        key, meili_port, redis_port = secrets.token_urlsafe(24), free_port(), free_port()
        meili = start_meilisearch(ensure_meilisearch(), work / "meili", meili_port, key,
                                  work / "meili.log")
        redis_server = start_redis(redis_port, work / "redis")
        try:
            client = Client(f"http://127.0.0.1:{meili_port}", key, timeout=120)
            reference = load_reference()
            indexer = CourseIndexer(client, "courses", reference, 1800)
            indexer.rebuild(paths)
            redis = Redis(port=redis_port)
            started = time.monotonic()
            feeds, rejections = indexer.read(paths)
            read = time.monotonic() - started
            timings = {}
            for rebuild in (False, True):
                started = time.monotonic()
                plan = plan_load(client, "courses", feeds, rejections, reference,
                                 rebuild=rebuild, redis=redis, now=int(time.time()))
                timings[rebuild] = time.monotonic() - started
                assert plan.unchanged == args.courses, plan.describe()
        finally:
            meili.stop()
            redis_server.stop()
    print(f"{args.courses} courses of {args.providers} providers, all unchanged:")
    print(f"  read + validate the feeds (a load's first step): {read:.1f} s")
    print(f"  plan of a plain load: {timings[False]:.1f} s; of a rebuild: {timings[True]:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
