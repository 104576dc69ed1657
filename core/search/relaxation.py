"""No dead ends: what to search instead when a text finds nothing (pure).

A search that finds nothing gets one more search, marked as relaxed. When the text named
a municipality (see :mod:`core.search.places`), the same text in the municipality's
whole region; otherwise the courses of the occupations the text's words point to. A
word points to an occupation when it is one of the words of the occupation's names or
job titles, when it is the end of one (Swedish compounds: "chaufför" ends
"lastbilschaufför" and "busschaufför"), the start of one (at least four letters: "städ"
starts "städare"), or close to one in spelling (difflib's ratio of at least 0.8:
"svetsre"). Filler words ("jobba med", "kurs i", "become a") point nowhere. The closest
job titles are also offered as "did you mean" suggestions, relaxed search or not.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from core.reference import Reference
from core.search.matching import normalise, words

MAX_OCCUPATIONS = 8  # a relaxed search filters by at most this many occupations
MAX_SUGGESTIONS = 3
_CLOSE = 0.8
_MIN_PART = 4  # letters of a word that may be the start or end of a longer one
_FILLER_WORDS = (  # normalised: no diacritics
    "i in pa med och att som for till inom av en ett den det jobba jobb jobbet arbeta "
    "arbete bli kurs kurser utbildning utbildningar lara sig ta vill kan hur var vad "
    "work working job jobs with become a an the to of course courses training learn how "
    "where what at on and or my me")
_FILLER = frozenset(_FILLER_WORDS.split())


class RelaxationKind(Enum):
    OCCUPATIONS = "occupations"  # the occupations the words point to, instead of the text
    WIDER_PLACE = "wider_place"  # the whole region of the municipality the text named


@dataclass(frozen=True, slots=True)
class Relaxation:
    """How a search that found nothing was relaxed."""

    kind: RelaxationKind
    occupations: tuple[str, ...] = ()  # SSYK codes (OCCUPATIONS)
    words: tuple[str, ...] = ()  # the typed words that pointed to them (OCCUPATIONS)
    region: str | None = None  # the region searched instead (WIDER_PLACE)


class Relaxer:
    """The words of every occupation's names and job titles (built once)."""

    def __init__(self, reference: Reference) -> None:
        codes: dict[str, set[str]] = {}
        titles: dict[str, str] = {}  # a title's normalised form -> the title
        for occupation in reference.occupations.values():
            terms = [occupation.name_sv, *occupation.synonyms_sv, *occupation.synonyms_en]
            for term in terms:
                for word in words(term):
                    if len(word) > 2 and word not in _FILLER:
                        codes.setdefault(word, set()).add(occupation.ssyk)
            for title in (*occupation.synonyms_sv, *occupation.synonyms_en):
                titles.setdefault(normalise(title), title)
        self._codes = codes
        self._vocabulary = sorted(codes)
        self._titles = titles

    def relax(self, text: str) -> Relaxation | None:
        """The occupations the words of a text point to, or None."""
        found: dict[str, None] = {}
        used = []
        for word in _content_words(text):
            matched = self._occupations_of(word)
            if matched:
                used.append(word)
                found.update(dict.fromkeys(sorted(matched)))
        if not found or len(found) > MAX_OCCUPATIONS:
            return None
        return Relaxation(RelaxationKind.OCCUPATIONS, tuple(found), tuple(used))

    def did_you_mean(self, text: str) -> list[str]:
        """Job titles spelled closest to the text (or to one of its words)."""
        typed = " ".join(_content_words(text))
        if not typed:
            return []
        candidates = difflib.get_close_matches(typed, self._titles, MAX_SUGGESTIONS, 0.7)
        if not candidates:
            for word in _content_words(text):
                candidates += difflib.get_close_matches(word, self._titles, 1, 0.7)
        return [self._titles[c] for c in dict.fromkeys(candidates)][:MAX_SUGGESTIONS]

    def _occupations_of(self, word: str) -> set[str]:
        found = set(self._codes.get(word, ()))
        if len(word) >= _MIN_PART:
            found |= _union(self._codes[w] for w in self._vocabulary
                            if w.endswith(word) or w.startswith(word))
        if found:
            return found
        close = difflib.get_close_matches(word, self._vocabulary, 3, _CLOSE)
        return _union(self._codes[w] for w in close)


def _content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in _FILLER and len(w) > 1]


def _union(groups: Iterable[set[str]]) -> set[str]:
    result: set[str] = set()
    for group in groups:
        result |= group
    return result
