"""A Redis server of one test's own (to kill, restart, reconfigure and read the files of)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devstack.processes import ManagedProcess, free_port, start_redis


@dataclass
class OwnRedis:
    port: int
    data_dir: Path
    options: dict[str, Any]
    process: ManagedProcess

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def restart(self) -> None:
        """Start the server again on the same port and files (after a kill)."""
        self.process.stop()
        self.process = start_redis(self.port, self.data_dir, **self.options)

    def disk_holds(self, text: str) -> list[str]:
        """Names of the server's files (append-only files, RDB snapshot) holding ``text``."""
        needle = text.encode()
        files = [*self.data_dir.glob("appendonlydir/*"), *self.data_dir.glob("*.rdb")]
        return sorted(path.name for path in files if needle in path.read_bytes())


@contextlib.contextmanager
def own_redis(data_dir: Path, **options: Any) -> Iterator[OwnRedis]:
    """A Redis on a free port with its files in ``data_dir``; ``options`` as for
    :func:`devstack.processes.start_redis` (durable by default). Stopped afterwards."""
    port = free_port()
    server = OwnRedis(port, data_dir, options, start_redis(port, data_dir, **options))
    try:
        yield server
    finally:
        server.process.stop()
