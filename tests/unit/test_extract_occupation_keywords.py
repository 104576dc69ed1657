"""The extraction of the taxonomy's search keywords (scripts/extract_occupation_keywords.py)."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "extract_occupation_keywords.py"
occupation_keywords = runpy.run_path(str(SCRIPT))["occupation_keywords"]


def _node(name: str, *related: str) -> dict[str, Any]:
    return {"name": [[name]], "children": [{"name": [[r]], "size": 123} for r in related]}


def test_a_keyword_belongs_to_the_unit_groups_of_its_occupation_names() -> None:
    names = {"2260": ["Tandläkare"], "5350": ["Tandsköterska"],
             "8332": ["Lastbilsförare", "Sopbilsförare"]}
    tree = {"name": "Jobtech", "children": [
        _node("Tandvård", "Tandläkare", "Tandsköterska", "Tandtekniker"),  # 3214: no names
        _node("Lastbil", "lastbilsförare"),  # matched whatever the case
        _node("Sopbilsförare", "Sopbilsförare", "Lastbilsförare"),  # a name of 8332 already
        _node("Hälsa"),  # related to nothing
    ]}
    assert occupation_keywords(tree, names) == {
        "2260": ["Tandvård"], "5350": ["Tandvård"], "8332": ["Lastbil"]}
