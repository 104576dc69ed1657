"""var/env: private, and exactly what the shell reads back."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

from devstack.envfile import write_env_file


def test_env_file_is_private_and_sourcing_it_gives_back_every_value(tmp_path: Path) -> None:
    env = {
        "MEILI_URL": "http://127.0.0.1:7700",
        "SECRET_KEY": "a'b\"c $HOME `id` d\\e",
        "MAIL_FROM": "Studiebesök <no-reply@studiebesok.localhost>",
    }
    path = tmp_path / "var" / "env"
    path.parent.mkdir()
    path.write_text("OLD=1\n")
    path.chmod(0o644)
    write_env_file(path, env)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    script = f"set -a; . {path}; set +a; " + "; ".join(
        f'printf "%s\\0" "${name}"' for name in env)
    output = subprocess.run(["bash", "-c", script], capture_output=True, check=True,
                            env={"PATH": "/usr/bin:/bin"}).stdout
    assert output.decode().split("\0")[:-1] == list(env.values())
    assert "OLD" not in path.read_text()
    assert list(path.parent.iterdir()) == [path]
