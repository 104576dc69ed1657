"""Place understanding: a search text that names a municipality or a region (pure).

Jobseekers type a trade and a town ("svetsare Malmö", "kock i Umeå", "Umeå undersköterska",
"elektriker Västra Götaland"). Searched as text, the town matches only the courses whose
indexed text contains it, and also providers named after a person ("Lundqvist &
Lundgren" for "Lund"), so the result ignores the place without saying so. This module
finds a place name at the end (after an optional "i", "in", "nära", ...) or at the start
of the text and returns the text without it; the service then filters by the place (see
:mod:`core.search.service`) and the result says what it understood, so that the client
can undo it.

Matching ignores case and diacritics ("umea" is Umeå) and needs the whole name
("Upplands Väsby", "Västra Götaland"); the longest name wins and a municipality wins
over a region of the same name ("Uppsala" is the municipality, "Uppsala län" the
region). Municipality names that are also everyday words ("Vara", "Mark", "Åre") count
only after a preposition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from core.reference import Reference
from core.search.matching import normalise

_WORD = re.compile(r"[^\W_]+")
_PREPOSITIONS = frozenset({"i", "in", "nara", "near", "kring", "runt", "around", "vid"})
# Normalised municipality names that are also common words: a place only after a preposition.
_NEEDS_PREPOSITION = frozenset({"ale", "are", "berg", "kil", "mala", "mark", "skara", "vara"})
_LONGEST_NAME = 4  # words


class PlaceKind(Enum):
    MUNICIPALITY = "municipality"
    REGION = "region"


@dataclass(frozen=True, slots=True)
class Place:
    kind: PlaceKind
    code: str
    name: str  # the official Swedish name
    name_en: str


@dataclass(frozen=True, slots=True)
class PlaceInterpretation:
    """The place a search text names, the words that named it and the text without them."""

    place: Place
    matched: str  # as typed, e.g. "i Umeå"
    query: str  # the rest of the text, e.g. "kock"


class PlaceFinder:
    """The place names of the reference data, looked up by their normalised words."""

    def __init__(self, reference: Reference) -> None:
        names: dict[tuple[str, ...], Place] = {}
        for region in reference.regions.values():
            place = Place(PlaceKind.REGION, region.code, region.name, region.name_en)
            base = region.name.removesuffix(" län")
            for alias in {region.name, base, base.removesuffix("s"), region.name_en}:
                names.setdefault(_words(alias), place)
        for municipality in reference.municipalities.values():  # these win over regions
            names[_words(municipality.name)] = Place(
                PlaceKind.MUNICIPALITY, municipality.code, municipality.name,
                municipality.name)
        self._names = names

    def find(self, text: str) -> PlaceInterpretation | None:
        """The place named at the end or the start of ``text``, if any."""
        spans = [(m.start(), m.end(), normalise(m.group())) for m in _WORD.finditer(text)]
        words = [word for _, _, word in spans]
        for size in range(min(_LONGEST_NAME, len(words)), 0, -1):
            found = self._at_end(text, spans, words, size) or self._at_start(
                text, spans, words, size)
            if found is not None:
                return found
        return None

    def _at_end(self, text: str, spans: list[tuple[int, int, str]], words: list[str],
                size: int) -> PlaceInterpretation | None:
        first = len(words) - size
        place = self._names.get(tuple(words[first:]))
        if place is None:
            return None
        preposition = first > 0 and words[first - 1] in _PREPOSITIONS
        if not preposition and _needs_preposition(place, words[first:]):
            return None
        cut = spans[first - 1][0] if preposition else spans[first][0]
        return PlaceInterpretation(place, text[cut:].strip(), text[:cut].strip())

    def _at_start(self, text: str, spans: list[tuple[int, int, str]], words: list[str],
                  size: int) -> PlaceInterpretation | None:
        if size == len(words):
            return None  # the whole text: found at the end already
        place = self._names.get(tuple(words[:size]))
        if place is None or _needs_preposition(place, words[:size]):
            return None
        cut = spans[size - 1][1]
        return PlaceInterpretation(place, text[:cut].strip(), text[cut:].strip())


def _words(text: str) -> tuple[str, ...]:
    return tuple(normalise(m.group()) for m in _WORD.finditer(text))


def _needs_preposition(place: Place, words: list[str]) -> bool:
    return place.kind is PlaceKind.MUNICIPALITY and len(words) == 1 and (
        words[0] in _NEEDS_PREPOSITION)
