"""``var/env``: the main job's settings, for running the indexer or a worker by hand.

Written as shell assignments (``set -a; . var/env; set +a`` exports them), each value
quoted for the shell. It holds the secrets, so it is created with mode 0600 and replaced
atomically: a reader never sees half a file, and no moment exists where it is readable
by others.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path


def render(env: Mapping[str, str]) -> str:
    """One ``NAME=value`` line per setting, sorted, values shell-quoted."""
    header = "# The main job's settings (secrets included). Load: set -a; . var/env; set +a\n"
    return header + "".join(f"{name}={shlex.quote(env[name])}\n" for name in sorted(env))


def write_env_file(path: Path, env: Mapping[str, str]) -> None:
    """Write ``env`` to ``path`` (mode 0600), replacing it atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(render(env))
    os.replace(temporary, path)
