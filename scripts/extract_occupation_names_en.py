"""Fill in the English names of the SSYK 2012 unit groups from Statistics Sweden's.

    python scripts/extract_occupation_names_en.py SCB_JSON

Source: Statistics Sweden's statistical database, whose English tables name every unit
group (variable ``Yrke2012``, e.g. table AM0110A/LoneSpridSektorYrk4A). ``SCB_JSON`` is
either that table's PxWeb metadata as the API serves it
(https://api.scb.se/OV0104/v1/doris/en/ssd/START/AM/AM0110/AM0110A/LoneSpridSektorYrk4A:
``{"variables": [{"code": "Yrke2012", "values": [...], "valueTexts": [...]}]}``) or a copy
of its codes and texts keyed by language (``{"EN": {code: name}, ...}``, see ``SOURCES.md``).

Writes ``core/reference/data/occupations.json`` with ``name_en`` set for every unit group
that had none; the curated English names are kept. SCB's texts are taken as they are,
trimmed and with a capital first letter.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "core" / "reference" / "data"


def scb_english_names(source: dict[str, Any]) -> dict[str, str]:
    """SSYK code -> SCB's English name, from PxWeb metadata or a per-language copy."""
    if "EN" in source:
        pairs: list[tuple[str, str]] = list(source["EN"].items())
    else:
        variable = next(v for v in source["variables"] if v["code"] == "Yrke2012")
        pairs = list(zip(variable["values"], variable["valueTexts"], strict=True))
    names = {}
    for code, text in pairs:
        name = " ".join(text.split())
        if name:
            names[code] = name[0].upper() + name[1:]
    return names


def with_english_names(occupations: list[dict[str, Any]],
                       english: dict[str, str]) -> list[dict[str, Any]]:
    """The unit groups, each without an English name given SCB's (when SCB has one)."""
    return [{**o, "name_en": o.get("name_en") or english.get(o["ssyk"])} for o in occupations]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    english = scb_english_names(json.loads(Path(argv[0]).read_text(encoding="utf-8")))
    path = DATA / "occupations.json"
    occupations = with_english_names(json.loads(path.read_text(encoding="utf-8")), english)
    path.write_text(json.dumps(occupations, ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")
    missing = [o["ssyk"] for o in occupations if not o["name_en"]]
    print(f"{len(occupations) - len(missing)} of {len(occupations)} unit groups have an "
          f"English name -> {path}; without: {', '.join(missing) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
