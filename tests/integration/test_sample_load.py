"""The main job's sample load: into an empty index only, unless asked; never a rebuild."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from meilisearch import Client

from core.settings import Settings
from devstack.sample_load import load_sample, sample_load_command
from devstack.stack import ROOT


def _env(settings: Settings) -> dict[str, str]:
    return {"MEILI_URL": settings.meili_url, "MEILI_MASTER_KEY": settings.meili_master_key,
            "MEILI_INDEX": settings.meili_index, "REDIS_URL": settings.redis_url,
            "SECRET_KEY": settings.secret_key}


def _documents(settings: Settings) -> list[dict[str, Any]]:
    index = Client(settings.meili_url, settings.meili_master_key).index(settings.meili_index)
    return sorted((dict(d) for d in index.get_documents({"limit": 1000}).results),
                  key=lambda d: str(d["id"]))


def test_the_sample_goes_only_into_an_empty_index_unless_asked(settings: Settings,
                                                               tmp_path: Path) -> None:
    env = _env(settings)
    assert load_sample(env, tmp_path / "s1", providers=3, courses=20, asked=False, cwd=ROOT)
    first = _documents(settings)
    assert len(first) == 20
    # A non-empty index (a real catalogue, say) is left exactly as it is.
    assert load_sample(env, tmp_path / "s2", providers=5, courses=40, asked=False, cwd=ROOT)
    assert _documents(settings) == first
    # Asked for: a plain load adds the sample's courses and removes no other provider's.
    assert load_sample(env, tmp_path / "s3", providers=5, courses=40, asked=True, cwd=ROOT)
    after = _documents(settings)
    assert len(after) > 20
    assert {d["providerOrgNumber"] for d in first} <= {d["providerOrgNumber"] for d in after}


def test_the_sample_load_never_rebuilds() -> None:
    for asked in (False, True):
        command = sample_load_command(Path("var/sample"), asked=asked)
        assert "--rebuild" not in command and "--remove-missing-providers" not in command
        assert ("--if-empty" in command) is not asked
