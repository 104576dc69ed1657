"""The worker's compose healthcheck, ``arq --check workers.settings.WorkerSettings``,
works with our settings class: it fails while no worker runs and passes once one does."""

from __future__ import annotations

import subprocess
import sys

from redis import Redis

from core.settings import Settings
from devstack.processes import ManagedProcess, wait_until
from devstack.stack import ROOT
from tests.conftest import RedisServer

CHECK_DB = 9


def _check(env: dict[str, str]) -> int:
    return subprocess.run([sys.executable, "-m", "arq", "--check",
                           "workers.settings.WorkerSettings"], env=env, cwd=ROOT,
                          capture_output=True, timeout=60, check=False).returncode


def test_arq_check_reports_whether_a_worker_is_running(settings: Settings,
                                                       redis_server: RedisServer) -> None:
    url = f"redis://127.0.0.1:{redis_server.port}/{CHECK_DB}"
    Redis.from_url(url).flushdb()
    env = {"MEILI_URL": settings.meili_url, "MEILI_MASTER_KEY": settings.meili_master_key,
           "REDIS_URL": url, "SECRET_KEY": settings.secret_key,
           "SMTP_HOST": settings.smtp_host, "SMTP_PORT": str(settings.smtp_port)}
    assert _check(env) == 1
    worker = ManagedProcess("worker", [sys.executable, "-m", "arq",
                                       "workers.settings.WorkerSettings"],
                            env=env, cwd=ROOT).start()
    try:
        wait_until(lambda: _check(env) == 0, 60, "the worker's health key")
        assert worker.running()
    finally:
        worker.stop()
