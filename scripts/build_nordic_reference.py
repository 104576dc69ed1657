"""Build the Danish, Norwegian and ISCO-08 reference data files from their public sources.

Sources (named in ``core/reference/data/SOURCES.md``):

- ``--isco``: ILO, *ISCO-08 EN Structure and definitions* (https://ilostat.ilo.org/methods/
  concepts-and-definitions/classification-occupation/), as the list of codes and English
  titles in the form of the Stata ``crosswalk`` package's ``labels_isco08`` table
  (``4-digit-code "Title"`` lines; major, sub-major and minor groups padded with zeros).
- ``--dk-municipalities``: the Danish kommuner as Danmarks Adresseregister's DAWA serves
  them (https://api.dataforsyningen.dk/kommuner: ``kode``, ``navn``, ``regionskode``, and
  ``visueltcenter`` [lon, lat] when present).
- ``--no-municipalities`` / ``--no-counties``: the Norwegian kommuner and fylker of the
  current division (from 2024) with ``id`` and ``name_no`` / ``id`` and ``name``, as the
  ``norway-geodata`` package publishes SSB's and Kartverket's lists; ``lat``/``lon`` are
  taken when the records carry them.

Usage::

    python scripts/build_nordic_reference.py --isco labels_isco08.sthlp \\
        --dk-municipalities kommuner.json --no-municipalities municipalities-2025.json \\
        --no-counties counties-2025.json

Writes ``dk_regions.json``, ``dk_municipalities.json``, ``no_counties.json``,
``no_municipalities.json`` and ``isco08.json`` into ``core/reference/data``.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "core" / "reference" / "data"

# DAWA /regioner: the five regions' codes and names.
DK_REGIONS = {
    "1081": "Region Nordjylland",
    "1082": "Region Midtjylland",
    "1083": "Region Syddanmark",
    "1084": "Region Hovedstaden",
    "1085": "Region Sjælland",
}

_ISCO_LINE = re.compile(r'^([0-9]{4}) "(.+)"$')


def isco_unit_groups(text: str) -> list[dict[str, str]]:
    """The 4-digit unit groups of ISCO-08 from the padded code list.

    A code ending in 00 is a major or sub-major group; a code ending in 0 is a minor group
    when unit groups below it exist, otherwise the minor group's only unit group (1120).
    """
    titles: dict[str, str] = {}
    for line in text.splitlines():
        match = _ISCO_LINE.match(line.strip())
        if match:
            titles[match.group(1)] = " ".join(match.group(2).split())
    units = []
    for code, title in titles.items():
        if code.endswith("00"):
            continue
        if code.endswith("0") and any(c[:3] == code[:3] and c != code for c in titles):
            continue
        units.append({"code": code, "title_en": title})
    return sorted(units, key=lambda u: u["code"])


def _centre(record: dict[str, Any]) -> tuple[float | None, float | None]:
    centre = record.get("visueltcenter")
    if isinstance(centre, list) and len(centre) == 2:
        return round(float(centre[1]), 4), round(float(centre[0]), 4)
    if "lat" in record and "lon" in record:
        return round(float(record["lat"]), 4), round(float(record["lon"]), 4)
    return None, None


def danish_municipalities(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for record in records:
        if record.get("udenforkommuneinddeling"):
            continue  # Christiansø: administered by the state, not a kommune
        lat, lon = _centre(record)
        out.append({
            "code": str(record["kode"]).zfill(4),
            "name": record["navn"],
            "region_code": str(record["regionskode"]),
            "lat": lat,
            "lon": lon,
        })
    return sorted(out, key=lambda m: m["code"])


def norwegian_municipalities(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for record in records:
        lat, lon = _centre(record)
        code = str(record["id"]).zfill(4)
        out.append({
            "code": code,
            "name": record.get("name_no") or record["name"],
            "region_code": code[:2],  # the first two digits are the fylkesnummer
            "lat": lat,
            "lon": lon,
        })
    return sorted(out, key=lambda m: m["code"])


def _write(name: str, rows: list[dict[str, Any]]) -> None:
    text = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    (DATA_DIR / name).write_text(text, encoding="utf-8")
    print(f"{name}: {len(rows)}")


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--isco", type=Path, required=True)
    parser.add_argument("--dk-municipalities", type=Path, required=True)
    parser.add_argument("--no-municipalities", type=Path, required=True)
    parser.add_argument("--no-counties", type=Path, required=True)
    args = parser.parse_args()
    _write("isco08.json", isco_unit_groups(args.isco.read_text(encoding="utf-8")))
    _write("dk_regions.json", [{"code": c, "name": n} for c, n in sorted(DK_REGIONS.items())])
    _write("dk_municipalities.json", danish_municipalities(_load(args.dk_municipalities)))
    counties = [{"code": str(c["id"]).zfill(2), "name": c["name"]} for c in _load(args.no_counties)]
    _write("no_counties.json", sorted(counties, key=lambda c: c["code"]))
    _write("no_municipalities.json", norwegian_municipalities(_load(args.no_municipalities)))


if __name__ == "__main__":
    main()
