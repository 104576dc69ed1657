"""CPU time and resident memory of local processes, from /proc (Linux only).

The processes of a server are found by its listening port: every process holding the
listening socket (uvicorn's supervisor and all its workers share it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK")


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("tcp", "tcp6"):
        path = PROC / "net" / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # LISTEN
                inodes.add(inode)
    return inodes


def pids_listening(port: int) -> list[int]:
    """The processes holding a socket that listens on ``port``."""
    wanted = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    pids = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) in wanted:
                    pids.append(int(entry.name))
                    break
        except OSError:
            continue
    return sorted(pids)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds the processes used so far (those still alive)."""
    total = 0
    for pid in pids:
        try:
            stat = (PROC / str(pid) / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def rss_bytes(pids: list[int]) -> int:
    """Resident memory of the processes, summed."""
    total = 0
    for pid in pids:
        try:
            for line in (PROC / str(pid) / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def peak_rss_bytes(pid: int | str = "self") -> int:
    """The highest resident memory of a process since it started (``VmHWM``).

    Not ``getrusage``'s ``ru_maxrss``: Linux carries it over ``fork``, so a child started
    by a large parent reports at least the parent's peak, whatever it used itself.
    """
    for line in (PROC / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise LookupError(f"no VmHWM for process {pid}")


@contextlib.contextmanager
def py_spy_recording(pid: int, path: Path | None, *options: str,
                     attach_seconds: float = 0.0) -> Iterator[None]:
    """py-spy records the process into ``path`` while the block runs (nothing when ``path``
    is ``None`` or py-spy is not installed), with ``options`` (``--format``, ``--rate``,
    ``--gil``); it writes its file when stopped. ``attach_seconds``: a pause for it to
    attach before the block."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if path is not None and not Path(py_spy).exists():
        print("--profile: py-spy is not installed; not profiled", flush=True)
    if path is None or not Path(py_spy).exists():
        yield
        return
    recorder = subprocess.Popen([py_spy, "record", "--pid", str(pid), "--output", str(path),
                                 *options], stdout=subprocess.DEVNULL)
    time.sleep(attach_seconds)
    try:
        yield
    finally:
        recorder.send_signal(signal.SIGINT)  # py-spy then writes its file
        recorder.wait(60)
