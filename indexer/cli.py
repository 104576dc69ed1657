"""Command line of the indexer: ``python -m indexer load|settings|status``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from meilisearch import Client
from redis import Redis
from redis.exceptions import RedisError

from core.redis_clients import sync_redis_client
from core.redis_values import as_text
from core.reference import load_reference
from core.search import index_version
from core.settings import Settings, SettingsError
from core.visits.dispatch import request_reconciliation
from core.visits.visit_records import VisitRecords
from indexer import provider_keys
from indexer.guard import FLAG, refusal
from indexer.loader import CourseIndexer
from indexer.plan import plan_load
from indexer.replicas import ReplicatedIndexer
from indexer.tasks import TaskFailed

EXIT_OK = 0
EXIT_REJECTED = 2
EXIT_FAILED = 1
EXIT_REFUSED = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m indexer", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="validate feed files and load them into the index")
    load.add_argument("feeds", nargs="+", type=Path, help="feed files or folders of them")
    load.add_argument(
        "--rebuild",
        action="store_true",
        help="build a fresh index from exactly these feeds and swap it in with no downtime",
    )
    load.add_argument(
        "--dry-run",
        action="store_true",
        help="print what the load would change (courses, study visits, registrations) "
        "and write nothing",
    )
    load.add_argument(
        FLAG,
        action="store_true",
        help="let the load remove every course of live providers it has no courses for "
        "(refused otherwise, exit code 3)",
    )
    load.add_argument(
        "--if-empty",
        action="store_true",
        help="load only when the live index is missing or holds no course (the sample "
        "loads of the main job and compose's demo profile)",
    )
    load.add_argument("--quiet", action="store_true", help="no progress lines")
    commands.add_parser("settings", help="apply the declared index settings")
    commands.add_parser("status", help="show the live index's state as JSON")
    provider_keys.add_parser(commands)
    return parser


def make_indexer(settings: Settings, quiet: bool = False,
                 redis: Redis | None = None) -> CourseIndexer:
    """The indexer; with ``redis``, every completed write bumps the search-index version,
    and every load or rebuild updates the visits' records there (``visit_records``).

    With several instances (``MEILI_URLS``) every write goes to each of them, and the
    version is bumped once, after all succeeded (``indexer.replicas``)."""
    reference = load_reference()

    def bump() -> None:
        assert redis is not None
        index_version.bump(redis, settings.meili_index)

    def one(url: str, on_write: Callable[[], None] | None) -> CourseIndexer:
        return CourseIndexer(
            Client(url, settings.meili_master_key, timeout=60),
            settings.meili_index,
            reference,
            settings.meili_task_timeout_seconds,
            progress=(lambda _: None) if quiet else (lambda line: print(line, file=sys.stderr)),
            on_write=on_write,
            visit_records=None if redis is None else VisitRecords(redis, settings.meili_index),
        )

    if len(settings.meili_instances) == 1:
        return one(settings.meili_url, None if redis is None else bump)
    return ReplicatedIndexer([(url, one(url, None)) for url in settings.meili_instances],
                             redis, None if redis is None else bump)


def _redis_or_none(settings: Settings) -> Redis | None:
    """Redis, answering; None (after saying so) when it cannot be reached."""
    redis = sync_redis_client(settings)
    try:
        redis.ping()
    except (RedisError, OSError) as exc:
        where = urlsplit(settings.redis_url)
        address = (f"{where.hostname}:{where.port or 6379}" if not settings.redis_sentinels
                   else f"master {settings.redis_sentinel_master} (via Sentinel)")
        print(f"error: Redis at {address} cannot be reached "
              f"({exc}). The indexer "
              "must record every index change there so that the API's search caches never "
              "serve results from before it; nothing was changed.", file=sys.stderr)
        return None
    return redis


def _index_version(redis: Redis, settings: Settings) -> str | None:
    """The indexes' version in Redis (changed by every completed write); None when Redis does
    not answer or holds none."""
    try:
        value = redis.get(index_version.version_key(settings.meili_index))
    except (RedisError, OSError):
        return None
    return None if value is None else as_text(value)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.command == "provider-keys":
        return provider_keys.run(args, settings)
    redis = None
    if args.command in ("load", "settings"):  # they write to the index
        redis = _redis_or_none(settings)
        if redis is None:
            return EXIT_FAILED
    elif args.command == "status" and len(settings.meili_instances) > 1:
        redis = sync_redis_client(settings)  # which instances are behind (when it answers)
    indexer = make_indexer(settings, quiet=getattr(args, "quiet", False), redis=redis)
    try:
        if args.command == "settings":
            changed = indexer.apply_settings()
            print(f"settings changed: {', '.join(changed)}" if changed else "settings up to date")
            return EXIT_OK
        if args.command == "status":
            status = indexer.status()
            status["version"] = _index_version(sync_redis_client(settings), settings)
            print(json.dumps(status, indent=2))
            return EXIT_OK
        missing = [str(p) for p in args.feeds if not p.exists()]
        if missing:
            print(f"error: no such feed file or folder: {', '.join(missing)}", file=sys.stderr)
            return EXIT_FAILED
        assert redis is not None
        return _load(args, settings, indexer, redis)
    except TaskFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except RedisError as exc:
        print(f"error: the index was changed but its version could not be recorded in Redis "
              f"({exc}); the API's search caches may serve results from before the change "
              f"until Redis answers and the load is run again.", file=sys.stderr)
        return EXIT_FAILED


def _load(args: argparse.Namespace, settings: Settings, indexer: CourseIndexer,
          redis: Redis) -> int:
    """Read, plan, guard, then load (or only print the plan with ``--dry-run``)."""
    if args.if_empty:
        count = indexer.document_count(indexer.index_uid)
        if count:
            print(f"the live index {indexer.index_uid!r} already holds {count} courses; "
                  f"nothing loaded")
            return EXIT_OK
    feeds, rejections = indexer.read(args.feeds)
    for rejection in rejections:
        print(f"rejected: {rejection}", file=sys.stderr)
    code = EXIT_REJECTED if rejections else EXIT_OK
    indexer.progress("comparing the feeds with the live index")
    try:
        plan = plan_load(indexer.client, indexer.index_uid, feeds, rejections,
                         indexer.reference, rebuild=args.rebuild, redis=redis,
                         now=int(time.time()))
    except RedisError as exc:
        print(f"error: the registrations of the study visits this load changes could not be "
              f"counted in Redis ({exc}); nothing was changed.", file=sys.stderr)
        return EXIT_FAILED
    refused = refusal(plan, args.remove_missing_providers)
    if args.dry_run:
        print(f"dry run, nothing written: {plan.describe()}")
        visits = indexer.document_count(indexer.visit_index_uid)
        print(f"live: {indexer.index_uid} {indexer.document_count(indexer.index_uid)} documents, "
              f"{indexer.visit_index_uid} {visits} documents "
              f"({plan.visit_documents_total(visits)} after the load), "
              f"index version {_index_version(redis, settings)}")
        for provider in plan.vanishing:
            print(f"would remove provider {provider}")
        if refused:
            print(f"without {FLAG} the load would be refused (exit code {EXIT_REFUSED})")
        return EXIT_REFUSED if refused else code
    if refused:
        print(refused, file=sys.stderr)
        print(f"plan: {plan.describe()}", file=sys.stderr)
        return EXIT_REFUSED
    load = indexer.rebuild_feeds if args.rebuild else indexer.load_feeds
    summary = load(feeds, rejections)
    print(summary.describe())
    print(plan.describe())
    for provider in plan.vanishing:
        print(f"removed provider {provider}")
    # Registrations of visits the load removed are cancelled by the worker (best effort:
    # skipped when Redis is not reachable; the worker's cron catches up within minutes).
    request_reconciliation(settings, f"load-{time.time_ns()}")
    return code
