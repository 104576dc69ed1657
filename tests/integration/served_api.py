"""``python -m api`` in a process of its own, as production runs it (uvloop, httptools,
the header-deadline protocol), for tests that need raw sockets and slow clients."""

from __future__ import annotations

import contextlib
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.settings import Settings
from devstack.processes import ManagedProcess, free_port, http_ok, wait_ready

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ServedApi:
    url: str
    port: int
    process: ManagedProcess

    def connect(self, timeout: float = 10.0) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes these settings."""
    return {
        "MEILI_URL": settings.meili_url,
        "MEILI_MASTER_KEY": settings.meili_master_key,
        "MEILI_INDEX": settings.meili_index,
        "REDIS_URL": settings.redis_url,
        "SECRET_KEY": settings.secret_key,
        "SMTP_HOST": settings.smtp_host,
        "SMTP_PORT": str(settings.smtp_port),
        "PUBLIC_BASE_URL": settings.public_base_url,
        "DEVELOPMENT": "false",
    }


@contextlib.contextmanager
def served_api(settings: Settings, log: Path, *args: str, **env: str) -> Iterator[ServedApi]:
    port = free_port()
    process = ManagedProcess(
        "api", [sys.executable, "-m", "api", "--port", str(port), "--no-access-log", *args],
        log_path=log, env={"PATH": "/usr/bin:/bin", **settings_env(settings), **env},
        cwd=ROOT).start()
    wait_ready(process, lambda: http_ok(f"http://127.0.0.1:{port}/healthz"), 60)
    try:
        yield ServedApi(f"http://127.0.0.1:{port}", port, process)
    finally:
        process.stop()
