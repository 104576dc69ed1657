"""The extraction of the taxonomy's occupation names (scripts/extract_occupation_names.py)."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "extract_occupation_names.py"
occupation_names = runpy.run_path(str(SCRIPT))["occupation_names"]


def _node(name: str, *broader: dict[str, Any]) -> dict[str, Any]:
    return {"name": [[name]], "children": list(broader)}


def test_a_name_belongs_to_the_unit_groups_it_is_narrower_than() -> None:
    groups = {"Svetsare och gasskärare": "7212", "IT-chefer, nivå 1": "1251",
              "IT-chefer, nivå 2": "1252", "Kockar och kallskänkor": "5120"}
    tree = {"name": "Jobtech", "children": [
        _node("Svetsare, manuell", _node("Svetsare och gasskärare"), _node("Metallarbete")),
        _node("IT-chef", _node("IT-chefer")),  # the manager groups, without their level
        _node("Svetsning", _node("Övriga kompetensord")),  # a skill: no unit group
        _node("Kockar och kallskänkor", _node("Kockar och kallskänkor")),  # itself
        _node("Kock, à la carte", _node("Kockar och kallskänkor")),
        _node("Kallskänka", _node("Kockar och kallskänkor")),
    ]}
    assert occupation_names(tree, groups) == {
        "1251": ["IT-chef"], "1252": ["IT-chef"], "5120": ["Kallskänka", "Kock, à la carte"],
        "7212": ["Svetsare, manuell"]}
