"""Reference data shipped with the service: regions, municipalities, occupations.

Loaded once from ``core/reference/data`` and shared read-only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "reference" / "data"


@dataclass(frozen=True, slots=True)
class Region:
    """A Swedish region (län) with its official two-digit code."""

    code: str
    name: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Municipality:
    """A Swedish municipality (kommun) with its official four-digit code and centre."""

    code: str
    name: str
    region_code: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class OccupationField:
    """An occupation field (yrkesområde), named in Swedish, English, Danish and Norwegian."""

    id: str
    name_sv: str
    name_en: str
    name_da: str
    name_nb: str


@dataclass(frozen=True, slots=True)
class Occupation:
    """An SSYK 2012 unit group with everyday job titles used as search synonyms.

    ``name_en`` is curated or Statistics Sweden's (the Swedish name would stand in for a
    missing one; see ``core/reference/data/SOURCES.md``); ``synonyms_*`` are empty for the
    unit groups nobody has curated job titles for yet. ``occupation_names`` are the labour
    market taxonomy's occupation names (yrkesbenämningar) of the group, ``keywords`` its
    search keywords (sökbegrepp: "Tandvård", "Möbler") related to them.
    """

    ssyk: str
    name_sv: str
    name_en: str
    field: str
    synonyms_sv: tuple[str, ...]
    synonyms_en: tuple[str, ...]
    occupation_names: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reference:
    """All reference data, keyed by code."""

    regions: dict[str, Region]
    municipalities: dict[str, Municipality]
    occupation_fields: dict[str, OccupationField]
    occupations: dict[str, Occupation]

    def region_of(self, municipality_code: str) -> Region:
        return self.regions[self.municipalities[municipality_code].region_code]


def _read(name: str) -> list[dict[str, Any]]:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        data: list[dict[str, Any]] = json.load(fh)
    return data


@cache
def load_reference() -> Reference:
    """Read the reference data files (once per process)."""
    regions = {r["code"]: Region(r["code"], r["name"], r["name_en"]) for r in _read("regions.json")}
    municipalities = {
        m["code"]: Municipality(m["code"], m["name"], m["region_code"], m["lat"], m["lon"])
        for m in _read("municipalities.json")
    }
    fields = {
        f["id"]: OccupationField(f["id"], f["name_sv"], f["name_en"], f["name_da"], f["name_nb"])
        for f in _read("occupation_fields.json")
    }
    with (DATA_DIR / "occupation_names.json").open(encoding="utf-8") as fh:
        names: dict[str, list[str]] = json.load(fh)
    with (DATA_DIR / "occupation_keywords.json").open(encoding="utf-8") as fh:
        keywords: dict[str, list[str]] = json.load(fh)
    occupations = {
        o["ssyk"]: Occupation(
            o["ssyk"],
            o["name_sv"],
            o.get("name_en") or o["name_sv"],
            o["field"],
            tuple(o.get("synonyms_sv", ())),
            tuple(o.get("synonyms_en", ())),
            tuple(names.get(o["ssyk"], ())),
            tuple(keywords.get(o["ssyk"], ())),
        )
        for o in _read("occupations.json")
    }
    return Reference(regions, municipalities, fields, occupations)
