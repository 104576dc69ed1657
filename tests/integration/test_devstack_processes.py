"""Starting the local servers: any generated key works, and a server that cannot start
is reported at once with its log instead of after the whole wait."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from devstack.processes import free_port, start_meilisearch, start_redis


def test_a_master_key_beginning_with_a_dash_is_the_key(meili_binary: Path,
                                                       tmp_path: Path) -> None:
    port = free_port()
    key = "-t" + "x" * 30  # secrets.token_urlsafe gives such keys now and then
    process = start_meilisearch(meili_binary, tmp_path, port, key, tmp_path / "meili.log")
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/keys",
                                         headers={"Authorization": f"Bearer {key}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
    finally:
        process.stop()


def test_a_meilisearch_that_cannot_start_is_reported_at_once(meili_binary: Path,
                                                             tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(RuntimeError, match=r"meilisearch exited with code \d+ .*meili\.log"):
            start_meilisearch(meili_binary, tmp_path, port, "k" * 32, tmp_path / "meili.log")
        assert time.monotonic() - started < 15
    assert "Address already in use" in (tmp_path / "meili.log").read_text()


def test_a_redis_that_cannot_start_is_reported_at_once(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(RuntimeError, match="redis exited with code"):
            start_redis(port, tmp_path, log_path=tmp_path / "redis.log")


def test_the_master_key_is_not_on_meilisearchs_command_line(meili_binary: Path,
                                                            tmp_path: Path) -> None:
    port = free_port()
    key = "k3y-" + "z" * 28
    process = start_meilisearch(meili_binary, tmp_path, port, key, tmp_path / "meili.log")
    try:
        assert process.process is not None
        cmdline = Path(f"/proc/{process.process.pid}/cmdline").read_bytes()
        assert b"/meilisearch" in cmdline and key.encode() not in cmdline
        anonymous = urllib.request.Request(f"http://127.0.0.1:{port}/keys")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(anonymous, timeout=5)
        assert refused.value.code == 401
        keyed = urllib.request.Request(f"http://127.0.0.1:{port}/keys",
                                       headers={"Authorization": f"Bearer {key}"})
        with urllib.request.urlopen(keyed, timeout=5) as response:
            assert response.status == 200
    finally:
        process.stop()
