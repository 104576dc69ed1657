"""Regions and municipalities of every country, by the codes search documents give them.

Swedish codes are as they are (``12``, ``1280``); Danish and Norwegian ones carry their
country (``DK-1084``, ``NO-0301``; see :func:`core.nordic_reference.indexed_code`). Filters,
``near``, labels and the course type look places up here, so that a Danish region is as
known as a Swedish one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from core import reference as ref
from core.nordic_reference import load_nordic_reference


@dataclass(frozen=True, slots=True)
class NordicPlaces:
    """Danish and Norwegian regions and municipalities in the Swedish records' form (a
    native name stands in for the English one)."""

    regions: dict[str, ref.Region]
    municipalities: dict[str, ref.Municipality]


@cache
def nordic_places() -> NordicPlaces:
    nordic = load_nordic_reference()
    return NordicPlaces(
        regions={code: ref.Region(code, area.name, area.name)
                 for code, area in nordic.indexed_areas.items()},
        municipalities={
            code: ref.Municipality(code, kommune.name, nordic.area_of(kommune).indexed_code,
                                   kommune.lat, kommune.lon)
            for code, kommune in nordic.indexed_municipalities.items()},
    )


def find_region(reference: ref.Reference, code: str) -> ref.Region | None:
    """A region of any country by its document code."""
    return reference.regions.get(code) or nordic_places().regions.get(code)


def find_municipality(reference: ref.Reference, code: str) -> ref.Municipality | None:
    """A municipality of any country by its document code."""
    return reference.municipalities.get(code) or nordic_places().municipalities.get(code)
