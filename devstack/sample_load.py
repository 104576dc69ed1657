"""The main job's sample data: loaded only into an empty (or missing) course index.

The main job may run against a Meilisearch that already holds a real catalogue (a feed
loaded by hand, a restored dump). It never rebuilds over it: by default the indexer loads
the sample with ``--if-empty``, and ``--load-sample`` asks for a plain load (an upsert of
the sample's providers, guarded like any load), never a rebuild.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from devstack.sample_feeds import generate_feeds, write_feeds

LOADED_CODES = (0, 2)  # loaded; loaded with some records rejected


def sample_load_command(sample: Path, *, asked: bool) -> list[str]:
    """The indexer command of the sample load: ``--if-empty`` unless the load was asked for."""
    command = [sys.executable, "-m", "indexer", "load", str(sample), "--quiet"]
    return command if asked else [*command, "--if-empty"]


def load_sample(env: Mapping[str, str], sample: Path, *, providers: int, courses: int,
                asked: bool, cwd: Path) -> bool:
    """Generate today's sample into ``sample`` and load it as above; False when that failed."""
    print(f"generating the sample feeds ({courses} courses, {providers} providers) in {sample}",
          flush=True)
    write_feeds(generate_feeds(providers=providers, courses=courses,
                               today=datetime.date.today()), sample)
    how = "as asked" if asked else "unless the index holds courses (--load-sample: load anyway)"
    print(f"loading the sample feeds {how}", flush=True)
    load = subprocess.run(sample_load_command(sample, asked=asked), env=dict(env), cwd=cwd,
                          check=False)
    return load.returncode in LOADED_CODES
