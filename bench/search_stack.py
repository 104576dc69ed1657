"""The search bench's own services: Meilisearch with a loaded index, Redis, and the API.

    .venv/bin/python bench/search_stack.py --feeds /tmp/bench100k/feeds \\
        [--data /tmp/bench100k/stack] [--workers 1]

starts them on free loopback ports, prints the environment to reach them and waits for
Ctrl-C; ``bench/search_load.py --stack FEEDS`` uses the same code and stops everything at
the end of its run. Meilisearch keeps its data in ``--data`` (default: ``stack`` beside the
feeds folder), so the 100,000-course index is loaded only once (``python -m indexer load
FEEDS --rebuild``, about a minute) and reused while the marker it leaves matches the index.
Redis starts empty each time; the API then sets a fresh search-index version itself.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from devstack.meilisearch_binary import ensure_meilisearch
from devstack.processes import (
    ManagedProcess,
    free_port,
    http_ok,
    start_meilisearch,
    start_redis,
    wait_ready,
)

ROOT = Path(__file__).resolve().parent.parent
INDEX = "courses"
MARKER = "bench-index.json"


@dataclass
class Stack:
    meili_url: str
    meili_key: str
    index: str
    redis_url: str
    api_url: str
    workers: int
    env: dict[str, str]
    processes: list[ManagedProcess] = field(default_factory=list)

    @property
    def api(self) -> ManagedProcess:
        return self.processes[-1]

    @property
    def meili(self) -> ManagedProcess:
        return self.processes[0]


def _master_key(data: Path) -> str:
    path = data / "master-key"
    if not path.is_file():
        data.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    return path.read_text().strip()


def _documents(meili_url: str, key: str, index: str) -> int:
    response = httpx.get(f"{meili_url}/indexes/{index}/stats",
                         headers={"Authorization": f"Bearer {key}"}, timeout=10)
    if response.status_code == 404:
        return 0
    response.raise_for_status()
    return int(response.json()["numberOfDocuments"])


def _ensure_loaded(feeds: Path, data: Path, env: dict[str, str]) -> int:
    """Load the feeds with ``python -m indexer load --rebuild`` unless already loaded."""
    marker = data / MARKER
    documents = _documents(env["MEILI_URL"], env["MEILI_MASTER_KEY"], INDEX)
    if marker.is_file():
        recorded = json.loads(marker.read_text())
        visits = _documents(env["MEILI_URL"], env["MEILI_MASTER_KEY"], f"{INDEX}_visits")
        if recorded == {"feeds": str(feeds.resolve()), "documents": documents} and visits:
            return documents
    print(f"loading {feeds} into Meilisearch (indexer load --rebuild)…", file=sys.stderr,
          flush=True)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "indexer", "load", str(feeds), "--rebuild", "--quiet"],
                   env=env, cwd=ROOT, check=True)
    documents = _documents(env["MEILI_URL"], env["MEILI_MASTER_KEY"], INDEX)
    marker.write_text(json.dumps({"feeds": str(feeds.resolve()), "documents": documents}))
    print(f"loaded {documents} documents in {time.monotonic() - started:.0f} s",
          file=sys.stderr, flush=True)
    return documents


def start_api(stack: Stack, workers: int, log: Path) -> ManagedProcess:
    """``python -m api`` as deployed: uvloop + httptools, no access log."""
    port = free_port()
    process = ManagedProcess(
        "api",
        [sys.executable, "-m", "api", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
        log_path=log, env=stack.env, cwd=ROOT,
    ).start()
    stack.api_url = f"http://127.0.0.1:{port}"
    return wait_ready(process, lambda: http_ok(f"{stack.api_url}/readyz"), 60)


@contextmanager
def running_stack(feeds: Path, data: Path, workers: int,
                  extra_env: dict[str, str] | None = None) -> Iterator[Stack]:
    """Meilisearch (data kept in ``data``), a fresh Redis and the API, stopped on exit."""
    if not feeds.is_dir():
        raise SystemExit(f"error: no feeds folder {feeds}; generate one with python -m devstack "
                         "sample --out DIR --courses 100000 --providers 2000")
    key = _master_key(data)
    processes: list[ManagedProcess] = []
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as redis_dir:
        try:
            meili_port = free_port()
            processes.append(start_meilisearch(ensure_meilisearch(), data / "meili", meili_port,
                                               key, data / "meilisearch.log"))
            redis_port = free_port()
            processes.append(start_redis(redis_port, Path(redis_dir)))
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith(("MEILI", "REDIS"))},
                "MEILI_URL": f"http://127.0.0.1:{meili_port}",
                "MEILI_MASTER_KEY": key,
                "MEILI_INDEX": INDEX,
                "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                "SECRET_KEY": "bench-secret-key-" + "x" * 32,
                "DEVELOPMENT": "false",
                **(extra_env or {}),
            }
            _ensure_loaded(feeds, data, env)
            stack = Stack(env["MEILI_URL"], key, INDEX, env["REDIS_URL"], "", workers, env,
                          processes)
            processes.append(start_api(stack, workers, data / "api.log"))
            yield stack
        finally:
            for process in reversed(processes):
                process.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/search_stack.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=Path, required=True, help="folder of feed files")
    parser.add_argument("--data", type=Path, help="Meilisearch data (default: FEEDS/../stack)")
    parser.add_argument("--workers", type=int, default=1, help="API worker processes (1)")
    args = parser.parse_args(argv)
    data = args.data or args.feeds.resolve().parent / "stack"

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    with running_stack(args.feeds, data, args.workers) as stack:
        print(f"export MEILI_URL={stack.meili_url} MEILI_MASTER_KEY={stack.meili_key} "
              f"MEILI_INDEX={stack.index} REDIS_URL={stack.redis_url}\n"
              f"API: {stack.api_url} (pid {stack.api.process.pid if stack.api.process else '?'})"
              "\nCtrl-C stops everything.", flush=True)
        try:
            while all(p.running() for p in stack.processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
