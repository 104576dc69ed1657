"""Place understanding: a search text that names a municipality or a region (pure).

Jobseekers type a trade and a town ("svetsare Malmö", "kock i Umeå", "Umeå undersköterska",
"elektriker Västra Götaland", "svejser Aarhus", "sveiser i Bergen"). Searched as text, the
town matches only the courses whose indexed text contains it, and also providers named
after a person ("Lundqvist & Lundgren" for "Lund"), so the result ignores the place without
saying so. This module finds a place name at the end (after an optional "i", "in", "nära",
"ved", ...) or at the start of the text and returns the text without it; the service then
filters by the place (see :mod:`core.search.service`) and the result says what it
understood, so that the client can undo it.

The places are Swedish kommuner and län, Danish kommuner and regions, Norwegian kommuner
and fylker. Matching ignores case and diacritics ("umea" is Umeå, "tromso" Tromsø, "Århus"
Aarhus) and needs the whole name ("Upplands Väsby", "Møre og Romsdal"); the longest name
wins and a municipality wins over a region of the same name ("Uppsala" is the
municipality, "Uppsala län" the region; "Oslo" the kommune, not the fylke). Municipality
names that are also everyday words in Swedish, Danish, Norwegian or English ("Vara",
"Mark", "Åre", "Greve", "Vejen", "Time", "Strand") count only after a preposition. A name
shared by two places of one country (Herøy, Våler) names neither. A name of two countries
("Lund") is the place of the first of ``countries`` given to :meth:`PlaceFinder.find`: the
search's country filter, or else the country of its language first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from core.nordic_reference import Country, load_nordic_reference
from core.reference import Reference
from core.search.matching import normalise

_WORD = re.compile(r"[^\W_]+")
# Danish and Norwegian letters as typed without them ("Tromso", "Koge") and the old "aa"
# ("Aarhus" and "Århus" are one name); Swedish letters lose their marks in normalise().
_FOLD = str.maketrans({"ø": "o", "æ": "ae"})
_PREPOSITIONS = frozenset({"i", "in", "nara", "near", "kring", "runt", "around", "vid",
                           "ved", "naer", "omkring", "rundt", "pa"})
# Folded municipality names that are also common words: a place only after a preposition.
_NEEDS_PREPOSITION = frozenset({
    # Swedish
    "ale", "are", "berg", "kil", "mala", "mark", "skara", "vara",
    # Danish
    "greve", "koge", "lejre", "odder", "skive", "varde", "vejen",
    # Norwegian
    "al", "alver", "as", "aure", "bo", "fjord", "frosta", "gran", "grue", "ha", "heim", "hol",
    "hole", "kinn", "leka", "lier", "lom", "loppa", "luster", "marker", "moss", "nes", "os",
    "osen", "rost", "sande", "sel", "sola", "stad", "stange", "strand", "time", "tinn",
    "vang", "vik",
})
_LONGEST_NAME = 4  # words


class PlaceKind(Enum):
    MUNICIPALITY = "municipality"
    REGION = "region"


@dataclass(frozen=True, slots=True)
class Place:
    kind: PlaceKind
    code: str  # as filters take it: "1280", "DK-0751", "NO-46"
    name: str  # the official name in the country's language
    name_en: str  # the English name (Danish and Norwegian places: their own name)
    country: Country = Country.SE


@dataclass(frozen=True, slots=True)
class PlaceInterpretation:
    """The place a search text names, the words that named it and the text without them."""

    place: Place
    matched: str  # as typed, e.g. "i Umeå"
    query: str  # the rest of the text, e.g. "kock"


_Names = dict[tuple[str, ...], Place | None]  # None: a name of two places


class PlaceFinder:
    """The place names of the reference data, looked up by their folded words."""

    def __init__(self, reference: Reference) -> None:
        swedish: _Names = {}
        for region in reference.regions.values():
            place = Place(PlaceKind.REGION, region.code, region.name, region.name_en)
            base = region.name.removesuffix(" län")
            for alias in {region.name, base, base.removesuffix("s"), region.name_en}:
                swedish.setdefault(_words(alias), place)
        for municipality in reference.municipalities.values():  # these win over regions
            swedish[_words(municipality.name)] = Place(
                PlaceKind.MUNICIPALITY, municipality.code, municipality.name,
                municipality.name)
        self._names = {Country.SE: swedish, **_nordic_names()}

    def find(self, text: str, countries: Sequence[Country] = tuple(Country)
             ) -> PlaceInterpretation | None:
        """The place named at the end or the start of ``text``, if any: of the first of
        ``countries`` that has a place of that name (other countries' places are not
        looked at)."""
        tables = [self._names[country] for country in countries]
        spans = [(m.start(), m.end(), _fold(m.group())) for m in _WORD.finditer(text)]
        words = [word for _, _, word in spans]
        for size in range(min(_LONGEST_NAME, len(words)), 0, -1):
            found = self._at_end(tables, text, spans, words, size) or self._at_start(
                tables, text, spans, words, size)
            if found is not None:
                return found
        return None

    def _at_end(self, tables: list[_Names], text: str, spans: list[tuple[int, int, str]],
                words: list[str], size: int) -> PlaceInterpretation | None:
        first = len(words) - size
        place = _lookup(tables, words[first:])
        if place is None:
            return None
        preposition = first > 0 and words[first - 1] in _PREPOSITIONS
        if not preposition and _needs_preposition(place, words[first:]):
            return None
        cut = spans[first - 1][0] if preposition else spans[first][0]
        return PlaceInterpretation(place, text[cut:].strip(), text[:cut].strip())

    def _at_start(self, tables: list[_Names], text: str, spans: list[tuple[int, int, str]],
                  words: list[str], size: int) -> PlaceInterpretation | None:
        if size == len(words):
            return None  # the whole text: found at the end already
        place = _lookup(tables, words[:size])
        if place is None or _needs_preposition(place, words[:size]):
            return None
        cut = spans[size - 1][1]
        return PlaceInterpretation(place, text[:cut].strip(), text[cut:].strip())


def _nordic_names() -> dict[Country, _Names]:
    """Danish and Norwegian names: regions ("Region Hovedstaden" or "Hovedstaden"), fylker
    and kommuner, a kommune winning over the region of its name ("Oslo"). Two kommuner of
    one name (Herøy, Våler) name neither."""
    nordic = load_nordic_reference()
    tables: dict[Country, _Names] = {}
    for country, areas in nordic.areas.items():
        names: _Names = {}
        for area in areas.values():
            place = Place(PlaceKind.REGION, area.indexed_code, area.name, area.name, country)
            for alias in {area.name, area.name.removeprefix("Region ")}:
                names.setdefault(_words(alias), place)
        kommuner: _Names = {}
        for kommune in nordic.municipalities[country].values():
            key = _words(kommune.name)
            kommuner[key] = None if key in kommuner else Place(
                PlaceKind.MUNICIPALITY, kommune.indexed_code, kommune.name, kommune.name,
                country)
        tables[country] = names | kommuner
    return tables


def _fold(word: str) -> str:
    return normalise(word).translate(_FOLD).replace("aa", "a")


def _words(text: str) -> tuple[str, ...]:
    return tuple(_fold(m.group()) for m in _WORD.finditer(text))


def _lookup(tables: list[_Names], words: list[str]) -> Place | None:
    key = tuple(words)
    for names in tables:
        if key in names:
            return names[key]  # None when the name is ambiguous in that country
    return None


def _needs_preposition(place: Place, words: list[str]) -> bool:
    return place.kind is PlaceKind.MUNICIPALITY and len(words) == 1 and (
        words[0] in _NEEDS_PREPOSITION)
