"""The main job for development: every service started, sample data loaded, API up.

Ctrl-C (or SIGTERM) stops every process it started, in reverse order.
"""

from __future__ import annotations

import json
import secrets
import signal
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from devstack.envfile import write_env_file
from devstack.mailsink import MailSink
from devstack.meilisearch_binary import ensure_meilisearch
from devstack.processes import (
    ManagedProcess,
    free_port,
    http_ok,
    port_is_open,
    start_meilisearch,
    start_redis,
    wait_ready,
)
from devstack.sample_load import load_sample

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class StackOptions:
    var_dir: Path
    api_port: int = 8000
    meili_port: int = 7700
    redis_port: int = 6379
    smtp_port: int = 1025
    worker_metrics_port: int = 9100
    providers: int = 80
    courses: int = 2000
    load_sample: bool = False  # load the sample even into an index that holds courses


def _port_or_free(port: int) -> int:
    return free_port() if port_is_open(port) else port


def _secrets(var_dir: Path) -> dict[str, str]:
    path = var_dir / "dev-secrets.json"
    if path.is_file():
        stored: dict[str, str] = json.loads(path.read_text())
        return stored
    values = {
        "MEILI_MASTER_KEY": secrets.token_urlsafe(24),
        "SECRET_KEY": secrets.token_urlsafe(48),
    }
    var_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values))
    path.chmod(0o600)
    return values


def run_stack(options: StackOptions, inherited_env: Mapping[str, str]) -> int:
    """Start everything, print where it is, and wait until interrupted."""
    var = options.var_dir
    started: list[ManagedProcess] = []
    sink: MailSink | None = None

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        binary = ensure_meilisearch()
        keys = _secrets(var)
        meili_port = _port_or_free(options.meili_port)
        print(f"starting Meilisearch on 127.0.0.1:{meili_port}", flush=True)
        started.append(
            start_meilisearch(
                binary,
                var / "meili",
                meili_port,
                keys["MEILI_MASTER_KEY"],
                var / "logs" / "meilisearch.log",
            )
        )
        # Our own Redis, never one already running (it may keep nothing on disk): the
        # registrations' system of record, durable before each reply (REDIS_DURABILITY=fsync).
        redis_port = _port_or_free(options.redis_port)
        print(f"starting Redis on 127.0.0.1:{redis_port} (append-only, appendfsync always, "
              f"files in {var / 'redis'})", flush=True)
        started.append(
            start_redis(redis_port, var / "redis", appendonly=True,
                        log_path=var / "logs" / "redis.log", appendfsync="always")
        )
        smtp_port = _port_or_free(options.smtp_port)
        sink = MailSink(smtp_port, folder=var / "mail").start()
        print(f"SMTP sink on 127.0.0.1:{smtp_port}, messages kept in {var / 'mail'}", flush=True)
        api_port = _port_or_free(options.api_port)
        base_url = f"http://127.0.0.1:{api_port}"
        env = {
            "MEILI_URL": f"http://127.0.0.1:{meili_port}",
            "MEILI_INDEX": "courses",
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "PUBLIC_BASE_URL": base_url,
            "DEVELOPMENT": "true",
            **keys,
        }
        child_env = {**env, **{k: v for k, v in inherited_env.items() if k not in env}}
        write_env_file(var / "env", env)
        print(f"settings written to {var / 'env'} (for the indexer by hand: "
              f"set -a; . {var / 'env'}; set +a)", flush=True)
        if not load_sample(child_env, var / "sample", providers=options.providers,
                           courses=options.courses, asked=options.load_sample, cwd=ROOT):
            print("error: loading the sample data failed", file=sys.stderr)
            return 1
        print(f"starting the API on {base_url} and a worker", flush=True)
        api = ManagedProcess(
            "api",
            [
                sys.executable,
                "-m",
                "api",
                "--host",
                "127.0.0.1",
                "--port",
                str(api_port),
                "--workers",
                "1",
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            log_path=var / "logs" / "api.log",
            env=child_env,
            cwd=ROOT,
        ).start()
        started.append(api)
        worker_metrics_port = _port_or_free(options.worker_metrics_port)
        worker = ManagedProcess(
            "worker",
            [sys.executable, "-m", "workers", "run"],
            log_path=var / "logs" / "worker.log",
            env={**child_env, "WORKER_METRICS_PORT": str(worker_metrics_port)},
            cwd=ROOT,
        ).start()
        started.append(worker)
        print("waiting for the API to be ready", flush=True)
        try:
            wait_ready(api, lambda: http_ok(f"{base_url}/readyz"), 30)
        except RuntimeError as exc:  # it exited: its log says why
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(
            f"\nReady.\n  Search page:  {base_url}/\n  GraphQL:      {base_url}/graphql\n"
            f"  Emails:       python -m devstack mail   (or {var / 'mail'})\n"
            f"  Metrics:      {base_url}/metrics and "
            f"http://127.0.0.1:{worker_metrics_port}/metrics (worker)\n"
            f"  Logs:         {var / 'logs'}\nPress Ctrl-C to stop everything.",
            flush=True,
        )
        while all(p.running() for p in started):
            time.sleep(0.5)
        dead = [p.name for p in started if not p.running()]
        print(f"error: {', '.join(dead)} stopped; see {var / 'logs'}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
        return 0
    finally:
        for process in reversed(started):
            process.stop()
        if sink is not None:
            sink.stop()
