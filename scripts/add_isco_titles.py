"""Add Danish and Norwegian (bokmål) titles of the ISCO-08 unit groups to ``isco08.json``.

Sources (named in ``core/reference/data/SOURCES.md``):

- ``--disco08``: Statistics Denmark's classification *DISCO-08 - Danmarks Statistiks
  fagklassifikation* (the national version of ISCO-08) as Danmarks Statistik lets its
  classifications be downloaded: a semicolon-separated file with the columns
  ``SEKVENS;KODE;NIVEAU;TITEL;...``, UTF-8 with a byte order mark, the codes quoted.
  Level 4 holds the four-digit unit groups (level 5 their six-digit subdivisions).
- ``--styrk08``: Statistics Norway's classification *Yrkesklassifisering 2011* (STYRK-08)
  as SSB's Klass API serves a version of it with its ``classificationItems`` (``code``,
  ``level``, ``name``), in the copy kept in SSB's repository ``statisticsnorway/klass-web``
  (``test/mock_klass_api/mock_data/versions/version_319.js``).

A unit group gets the national title of the four-digit item with the same code (the codes
Danish and Norwegian feeds give, which the service stores as the group): ``title_da``
from DISCO-08, ``title_nb`` from STYRK-08. A group that a classification has no item for
keeps no title in its language. The national unit groups that ISCO-08 lacks (DISCO-08's
``2343`` and ``2357``; STYRK-08's ``0000``, ``2223``, ``2224`` and ``3439``) are left out.
A title of a classification that is not given is kept as it is.

Run it after ``scripts/build_nordic_reference.py --isco``, which writes the file anew.

Usage::

    python scripts/add_isco_titles.py --disco08 disco08.csv --styrk08 version_319.js
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "core" / "reference" / "data"

# The keys of a unit group in isco08.json, in the order the file keeps them.
FIELDS = ("code", "title_en", "title_nb", "title_da")

_ITEM = re.compile(
    r'"code":\s*"(?P<code>[0-9]+)",\s*"level":\s*"(?P<level>[0-9])",\s*'
    r'"name":\s*"(?P<name>(?:[^"\\]|\\.)*)"')

_DISCO_COLUMNS = ("KODE", "NIVEAU", "TITEL")


def _clean(title: str) -> str:
    return " ".join(title.split())


def styrk08_unit_groups(text: str) -> dict[str, str]:
    """The four-digit STYRK-08 items of a Klass version, code to bokmål title."""
    return {m["code"]: _clean(json.loads(f'"{m["name"]}"'))
            for m in _ITEM.finditer(text) if m["level"] == "4"}


def disco08_unit_groups(text: str) -> dict[str, str]:
    """The four-digit DISCO-08 items (level 4) of Danmarks Statistik's classification
    file, code to Danish title."""
    rows = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";")
    missing = [c for c in _DISCO_COLUMNS if c not in (rows.fieldnames or ())]
    if missing:
        raise ValueError(f"not a Danmarks Statistik classification file: no column "
                         f"{', '.join(missing)} in its header {rows.fieldnames}")
    titles: dict[str, str] = {}
    for row in rows:
        if row["NIVEAU"].strip() != "4":
            continue
        code = row["KODE"].strip()
        if not (len(code) == 4 and code.isdigit()) or not row["TITEL"].strip():
            raise ValueError(f"DISCO-08 line {rows.line_num}: a level-4 item needs a "
                             f"four-digit code and a title, not {code!r} {row['TITEL']!r}")
        titles[code] = _clean(row["TITEL"])
    return titles


def with_titles(groups: list[dict[str, Any]], field: str,
                titles: Mapping[str, str]) -> list[dict[str, Any]]:
    """The unit groups with ``field`` set from ``titles`` (a group without a title there
    loses the field), keys in the file's order."""
    updated = []
    for group in groups:
        group = {key: value for key, value in group.items() if key != field}
        if group["code"] in titles:
            group[field] = titles[group["code"]]
        updated.append({key: group[key] for key in FIELDS if key in group})
    return updated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--disco08", type=Path, help="Danmarks Statistik's DISCO-08 file")
    parser.add_argument("--styrk08", type=Path, help="a Klass version of STYRK-08")
    args = parser.parse_args()
    sources = {"title_da": (args.disco08, disco08_unit_groups),
               "title_nb": (args.styrk08, styrk08_unit_groups)}
    if not any(path for path, _ in sources.values()):
        parser.error("give --disco08, --styrk08 or both")
    path = DATA_DIR / "isco08.json"
    groups: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    for field, (source, read) in sources.items():
        if source is None:
            continue
        titles = read(source.read_text(encoding="utf-8"))
        groups = with_titles(groups, field, titles)
        covered = sum(field in g for g in groups)
        national = sorted(titles.keys() - {g["code"] for g in groups})
        print(f"{field}: {covered} of {len(groups)} unit groups; "
              f"national groups left out: {', '.join(national) or 'none'}")
    path.write_text(json.dumps(groups, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
