"""Every figure of the hardening work in one run: each hostile or fault bench in turn.

    .venv/bin/python bench/hardening.py [--quick]

Runs, one after the other and each on a stack of its own (free loopback ports, temporary
folders, everything stopped at the end):

1. ``bench/hostile_graphql.py``: the old Region/Municipality cycle query's cost and time
   to refusal at each depth, a costly search refused, 32 concurrent failing requests
   (unmasked count), the API's resident memory before and after.
2. ``bench/hostile_http.py``: time to the 413 for a 100 MiB body, slow clients dropped,
   the API's resident memory before and after the hostile set, searches meanwhile.
3. ``bench/outages.py``: search error time with Meilisearch stalled, stale answers,
   registrations with Meilisearch killed, ``/readyz`` with Redis stalled.
4. ``bench/durability.py``: registrations acknowledged and found after a Redis ``kill -9``
   under a burst, and registrations/s, per durability mode.
5. ``bench/email_faults.py``: emails delivered after a worker SIGKILL at each SMTP stage
   (duplicates only after the final dot), and the time for emails to resume after a
   Redis restart.

``--quick`` passes each bench smaller sizes (a few minutes in all instead of about ten).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent

RUNS: list[tuple[str, list[str], list[str]]] = [
    ("hostile_graphql.py", [], ["--repeat", "3"]),
    ("hostile_http.py", [], ["--slow-clients", "20", "--malformed", "600"]),
    ("outages.py", [], ["--requests", "10"]),
    ("durability.py", [], ["--registrations", "300", "--crash-burst", "200",
                           "--concurrency", "16"]),
    ("email_faults.py", [], ["--registrations", "5", "--resume-registrations", "10"]),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes for each bench")
    args = parser.parse_args(argv)
    failed = []
    for script, full, quick in RUNS:
        command = [sys.executable, str(BENCH / script), *(quick if args.quick else full)]
        print(f"\n=== {script} {' '.join(command[2:])}".rstrip(), flush=True)
        started = time.monotonic()
        code = subprocess.run(command, check=False).returncode
        print(f"=== {script}: exit {code} in {time.monotonic() - started:.0f} s", flush=True)
        if code != 0:
            failed.append(script)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
