"""The README's main job: everything comes up, answers, and Ctrl-C stops all of it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from redis import Redis

from devstack.processes import free_port, port_is_open


def _children(pid: int) -> set[int]:
    """Pids of the processes whose parent is ``pid``."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _read_until_ready(process: subprocess.Popen[str], timeout: float) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip())
        if line.startswith("Press Ctrl-C"):
            return lines
    raise AssertionError("the main job did not become ready:\n" + "\n".join(lines))


def test_main_job_serves_the_sample_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    ports = {name: free_port() for name in ("api", "meili", "redis", "smtp")}
    process = subprocess.Popen(
        [sys.executable, "-m", "devstack", "up", "--var", str(tmp_path / "var"),
         "--port", str(ports["api"]), "--meili-port", str(ports["meili"]),
         "--redis-port", str(ports["redis"]), "--smtp-port", str(ports["smtp"]),
         "--providers", "25", "--courses", "300"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        lines = _read_until_ready(process, 120)
        assert f"GraphQL:      http://127.0.0.1:{ports['api']}/graphql" in "\n".join(lines)
        assert any("300 documents indexed, 0 rejected" in line for line in lines)
        env_file = tmp_path / "var" / "env"
        assert env_file.stat().st_mode & 0o777 == 0o600
        written = env_file.read_text()
        for name in ("MEILI_URL", "MEILI_MASTER_KEY", "MEILI_INDEX", "REDIS_URL", "SECRET_KEY",
                     "SMTP_HOST", "SMTP_PORT", "PUBLIC_BASE_URL"):
            assert f"\n{name}=" in written, name
        assert f"REDIS_URL=redis://127.0.0.1:{ports['redis']}/0" in written
        body = json.dumps({"query": "{ searchCourses(query: \"utbildning\", first: 1) "
                                    "{ totalCount } }"}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{ports['api']}/graphql", data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.loads(response.read())
        assert answer["data"]["searchCourses"]["totalCount"] > 0
        assert all(port_is_open(port) for port in ports.values())
        redis = Redis(port=ports["redis"], socket_timeout=5, decode_responses=True)
        assert redis.config_get("appendfsync") == {"appendfsync": "always"}
        assert (tmp_path / "var" / "redis" / "appendonlydir").is_dir()
        redis.close()
        children = _children(process.pid)
        assert len(children) == 4  # Meilisearch, Redis, the API and a worker
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        assert not [pid for pid in children if _alive(pid)]
        assert not [name for name, port in ports.items() if port_is_open(port)]
    finally:
        if process.poll() is None:  # failed: stop the servers it started too, not only it
            leftovers = _children(process.pid)
            process.kill()
            process.wait()
            for pid in leftovers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
