"""A Redis master, replicas and Sentinels on the loopback (fault tests and benchmarks).

Each server is a real ``redis-server`` (Sentinels are ``redis-server <conf> --sentinel``,
which is what ``redis-sentinel`` is), durable as the API expects (append-only file,
``appendfsync always``), with its files in a folder of its own.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redis import Redis

from devstack.processes import ManagedProcess, free_port, redis_pings, wait_ready

MASTER_NAME = "studyvisits"


def _server(name: str, port: int, folder: Path, *extra: str) -> ManagedProcess:
    folder.mkdir(parents=True, exist_ok=True)
    binary = shutil.which("redis-server") or "redis-server"
    return ManagedProcess(name, [binary, "--bind", "127.0.0.1", "--port", str(port),
                                 "--dir", str(folder), "--save", "", "--appendonly", "yes",
                                 "--appendfsync", "always", *extra],
                          log_path=folder / f"{name}.log")


@dataclass
class SentinelCluster:
    """One master, its replicas and the Sentinels watching them."""

    folder: Path
    down_after_ms: int
    failover_timeout_ms: int
    redis_ports: list[int] = field(default_factory=list)
    sentinel_ports: list[int] = field(default_factory=list)
    servers: dict[int, ManagedProcess] = field(default_factory=dict)
    sentinels: list[ManagedProcess] = field(default_factory=list)

    @property
    def sentinel_setting(self) -> str:
        """The value of ``REDIS_SENTINELS``."""
        return ",".join(f"127.0.0.1:{port}" for port in self.sentinel_ports)

    def master_port(self) -> int:
        """The master's port as the first Sentinel that answers sees it."""
        for port in self.sentinel_ports:
            with contextlib.suppress(OSError, Exception), Redis(port=port,
                                                                socket_timeout=1) as sentinel:
                _, master_port = sentinel.sentinel_get_master_addr_by_name(MASTER_NAME)
                return int(master_port)
        raise RuntimeError("no Sentinel answers")

    def has_online_replica(self, port: int) -> bool:
        """Whether the server on ``port`` is a master with a replica online (what a write
        waited for with ``WAIT 1`` needs)."""
        with contextlib.suppress(OSError, Exception), self.client(port) as master:
            replication = _info(master, "replication")
            return replication.get("role") == "master" and any(
                isinstance(value, dict) and value.get("state") == "online"
                for key, value in replication.items() if key.startswith("slave"))
        return False

    def client(self, port: int) -> Redis:
        return Redis(port=port, socket_timeout=2, decode_responses=True)

    def wait_replicated(self, timeout: float = 30.0) -> None:
        """Until every replica is linked to the master and every Sentinel sees them."""
        master = self.master_port()
        replicas = [port for port in self.redis_ports if port != master]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            linked = all(_info(self.client(port), "replication").get("master_link_status")
                         == "up" for port in replicas if self.servers[port].running())
            seen = all(len(self.client(port).execute_command(  # type: ignore[no-untyped-call]
                "SENTINEL", "REPLICAS", MASTER_NAME)) >= len(replicas)
                for port in self.sentinel_ports)
            if linked and seen:
                return
            time.sleep(0.2)
        raise TimeoutError("the replicas or the Sentinels did not catch up")

    def stop(self) -> None:
        for process in [*self.sentinels, *self.servers.values()]:
            process.stop()


def _info(client: Redis, section: str) -> dict[str, Any]:
    info: dict[str, Any] = client.info(section)  # type: ignore[assignment]
    return info


def _pings(port: int) -> Callable[[], bool]:
    return lambda: redis_pings(port)


@contextlib.contextmanager
def sentinel_cluster(folder: Path, replicas: int = 1, sentinels: int = 3,
                     down_after_ms: int = 1000, failover_timeout_ms: int = 5000
                     ) -> Iterator[SentinelCluster]:
    """A master, ``replicas`` replicas and ``sentinels`` Sentinels (quorum: a majority),
    all linked; stopped afterwards."""
    cluster = SentinelCluster(folder, down_after_ms, failover_timeout_ms)
    try:
        master = free_port()
        cluster.redis_ports.append(master)
        cluster.servers[master] = wait_ready(
            _server("redis-master", master, folder / "master").start(),
            lambda: redis_pings(master), 15)
        for number in range(replicas):
            port = free_port()
            cluster.redis_ports.append(port)
            cluster.servers[port] = wait_ready(_server(
                f"redis-replica{number}", port, folder / f"replica{number}",
                "--replicaof", "127.0.0.1", str(master)).start(), _pings(port), 15)
        quorum = sentinels // 2 + 1
        for number in range(sentinels):
            port = free_port()
            home = folder / f"sentinel{number}"
            home.mkdir(parents=True, exist_ok=True)
            config = home / "sentinel.conf"
            config.write_text(
                f"bind 127.0.0.1\nport {port}\ndir {home}\n"
                f"sentinel monitor {MASTER_NAME} 127.0.0.1 {master} {quorum}\n"
                f"sentinel down-after-milliseconds {MASTER_NAME} {down_after_ms}\n"
                f"sentinel failover-timeout {MASTER_NAME} {failover_timeout_ms}\n"
                f"sentinel parallel-syncs {MASTER_NAME} 1\n", encoding="utf-8")
            binary = shutil.which("redis-server") or "redis-server"
            process = ManagedProcess(f"sentinel{number}", [binary, str(config), "--sentinel"],
                                     log_path=home / "sentinel.log").start()
            cluster.sentinel_ports.append(port)
            cluster.sentinels.append(wait_ready(process, _pings(port), 15))
        cluster.wait_replicated()
        yield cluster
    finally:
        cluster.stop()
