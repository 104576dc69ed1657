"""Add Norwegian (bokmål) titles of the ISCO-08 unit groups to ``isco08.json``.

Source (named in ``core/reference/data/SOURCES.md``): Statistics Norway's classification
*Yrkesklassifisering 2011* (STYRK-08, the national version of ISCO-08) as SSB's Klass API
serves a version of it with its ``classificationItems`` (``code``, ``level``, ``name``),
in the copy kept in SSB's repository ``statisticsnorway/klass-web``
(``test/mock_klass_api/mock_data/versions/version_319.js``).

A unit group gets the STYRK-08 title of the four-digit item with the same code (the
codes Norwegian feeds give, which the service stores as the group); a group that STYRK-08
has no item for keeps no Norwegian title. STYRK-08's own unit groups that ISCO-08 lacks
(``0000``, ``2223``, ``2224``, ``3439``) are left out.

Run it after ``scripts/build_nordic_reference.py --isco``, which writes the file anew.

Usage::

    python scripts/add_styrk08_titles.py version_319.js
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "core" / "reference" / "data"

_ITEM = re.compile(
    r'"code":\s*"(?P<code>[0-9]+)",\s*"level":\s*"(?P<level>[0-9])",\s*'
    r'"name":\s*"(?P<name>(?:[^"\\]|\\.)*)"')


def styrk08_unit_groups(text: str) -> dict[str, str]:
    """The four-digit STYRK-08 items of a Klass version, code to bokmål title."""
    return {m["code"]: " ".join(json.loads(f'"{m["name"]}"').split())
            for m in _ITEM.finditer(text) if m["level"] == "4"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("klass_version", type=Path)
    args = parser.parse_args()
    titles = styrk08_unit_groups(args.klass_version.read_text(encoding="utf-8"))
    path = DATA_DIR / "isco08.json"
    groups = json.loads(path.read_text(encoding="utf-8"))
    for group in groups:
        group.pop("title_nb", None)
        if group["code"] in titles:
            group["title_nb"] = titles[group["code"]]
    path.write_text(json.dumps(groups, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    covered = sum("title_nb" in g for g in groups)
    print(f"{covered} of {len(groups)} unit groups have a Norwegian title")


if __name__ == "__main__":
    main()
