"""Reference data for Danish and Norwegian feeds, and ISCO-08 for every country.

Denmark's regions and kommuner, Norway's fylker and kommuner (the division from 2024) and
the ISCO-08 unit groups, loaded once from ``core/reference/data`` (built by
``scripts/build_nordic_reference.py``; sources in ``core/reference/data/SOURCES.md``).
Swedish regions and municipalities stay in ``core.reference``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, cached_property
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "reference" / "data"


class Country(StrEnum):
    """A country whose public employment service buys the courses (ISO 3166-1 alpha-2)."""

    SE = "SE"
    DK = "DK"
    NO = "NO"


@dataclass(frozen=True, slots=True)
class Area:
    """A Danish region or a Norwegian fylke with its official code and centre."""

    country: Country
    code: str
    name: str
    lat: float
    lon: float

    @property
    def indexed_code(self) -> str:
        return indexed_code(self.country, self.code)


@dataclass(frozen=True, slots=True)
class Kommune:
    """A Danish or Norwegian municipality with its official four-digit code and centre."""

    country: Country
    code: str
    name: str
    area_code: str
    lat: float
    lon: float

    @property
    def indexed_code(self) -> str:
        return indexed_code(self.country, self.code)


@dataclass(frozen=True, slots=True)
class IscoGroup:
    """An ISCO-08 unit group (four digits) with its English title, its Norwegian (bokmål)
    title from STYRK-08 and its Danish title from DISCO-08 when Statistics Norway's and
    Statistics Denmark's classifications have the group."""

    code: str
    title_en: str
    title_nb: str | None = None
    title_da: str | None = None


@dataclass(frozen=True)
class NordicReference:
    """Areas and municipalities by country and code, and the ISCO-08 unit groups."""

    areas: dict[Country, dict[str, Area]]
    municipalities: dict[Country, dict[str, Kommune]]
    isco: dict[str, IscoGroup]

    def area_of(self, municipality: Kommune) -> Area:
        return self.areas[municipality.country][municipality.area_code]

    @cached_property
    def indexed_areas(self) -> dict[str, Area]:
        """Every area by the code search documents give it (``DK-1084``, ``NO-03``)."""
        return {a.indexed_code: a for by_code in self.areas.values() for a in by_code.values()}

    @cached_property
    def indexed_municipalities(self) -> dict[str, Kommune]:
        """Every municipality by its code in search documents (``DK-0101``, ``NO-0301``)."""
        return {m.indexed_code: m
                for by_code in self.municipalities.values() for m in by_code.values()}


def indexed_code(country: Country, code: str) -> str:
    """A Danish or Norwegian code as search documents hold it: prefixed with the country,
    since the codes overlap Sweden's (Swedish codes stay as they are)."""
    return code if country is Country.SE else f"{country}-{code}"


def _read(name: str) -> list[dict[str, Any]]:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        data: list[dict[str, Any]] = json.load(fh)
    return data


def _areas(country: Country, name: str) -> dict[str, Area]:
    return {a["code"]: Area(country, a["code"], a["name"], a["lat"], a["lon"])
            for a in _read(name)}


def _kommuner(country: Country, name: str) -> dict[str, Kommune]:
    return {
        m["code"]: Kommune(country, m["code"], m["name"], m["region_code"], m["lat"], m["lon"])
        for m in _read(name)
    }


@cache
def load_nordic_reference() -> NordicReference:
    """Read the Danish, Norwegian and ISCO-08 reference files (once per process)."""
    return NordicReference(
        areas={
            Country.DK: _areas(Country.DK, "dk_regions.json"),
            Country.NO: _areas(Country.NO, "no_counties.json"),
        },
        municipalities={
            Country.DK: _kommuner(Country.DK, "dk_municipalities.json"),
            Country.NO: _kommuner(Country.NO, "no_municipalities.json"),
        },
        isco={g["code"]: IscoGroup(g["code"], g["title_en"], g.get("title_nb"),
                                   g.get("title_da"))
              for g in _read("isco08.json")},
    )
