"""The main job's scripts say what they do from their first second."""

from __future__ import annotations

import subprocess

from devstack.stack import ROOT


def test_the_main_job_speaks_before_bootstrap_runs() -> None:
    done = subprocess.run(["bash", "scripts/run.sh", "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stderr.splitlines()[0].startswith("main job: checking .venv and the Meilisearch")
    assert "--load-sample" in done.stdout
