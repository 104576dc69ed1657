"""API processes and a worker process on the same Redis (for the scale-out tests)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from core.settings import Settings
from devstack.processes import ManagedProcess
from tests.integration.served_api import ROOT, ServedApi, served_api, settings_env


@contextlib.contextmanager
def api_processes(settings: Settings, folder: Path, count: int, **env: str
                  ) -> Iterator[list[ServedApi]]:
    """``count`` processes of ``python -m api`` with these settings and ``env``."""
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(served_api(settings, folder / f"api{number}.log", **env))
               for number in range(count)]


@contextlib.contextmanager
def worker_process(settings: Settings, folder: Path, **env: str) -> Iterator[ManagedProcess]:
    """``python -m workers run`` (the supervised worker) with these settings and ``env``."""
    process = ManagedProcess(
        "worker", [sys.executable, "-m", "workers", "run"], log_path=folder / "worker.log",
        env={"PATH": "/usr/bin:/bin", **settings_env(settings), **env}, cwd=ROOT).start()
    try:
        yield process
    finally:
        process.stop()
