"""Autocomplete for the search box: occupations and course titles for a typed prefix.

One Meilisearch query (the prefix as the search text) gives course titles and, through
its occupation facet, which occupations have courses; occupation names and everyday job
titles in Swedish and English, the labour market taxonomy's occupation names, and the
ISCO-08 unit groups' titles that label Danish and Norwegian occupations (in Danish,
Norwegian or English, as the facet labels them), are matched in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from core.nordic_reference import NordicReference, load_nordic_reference
from core.reference import Reference
from core.search.attributes import Attribute
from core.search.labels import group_title
from core.search.matching import PrefixMatcher, normalise, words
from core.search.vocabulary import Language

_TERM_SEPARATOR = "\x1f"
_ISCO_KEY = "isco:"  # an ISCO-08 unit group's title: Danish and Norwegian occupations
_NATIONAL_PREFIXES = ("DK-", "NO-")


class SuggestionKind(Enum):
    OCCUPATION = "occupation"
    COURSE_TITLE = "course_title"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A completion of the typed text; occupations carry their code (SSYK, or a Danish or
    Norwegian one with its ISCO-08 unit group) and course count."""

    text: str
    kind: SuggestionKind
    occupation_code: str | None = None
    count: int | None = None
    isco_code: str | None = None


class OccupationTerms:
    """Every name and job title of every occupation, matched by prefix (built once).

    Where several terms of an occupation match, the one in the asked language is given:
    "bartend" is "Bartendrar" in Swedish and "Bartenders" in English.
    """

    def __init__(self, reference: Reference, nordic: NordicReference | None = None) -> None:
        groups = (nordic or load_nordic_reference()).isco.values()
        self.matchers: dict[Language, PrefixMatcher] = {}
        for language in Language:
            entries: list[tuple[str, list[str]]] = []
            for occupation in reference.occupations.values():
                swedish = [occupation.name_sv, *occupation.synonyms_sv,
                           *occupation.occupation_names]
                english = [occupation.name_en, *occupation.synonyms_en]
                ordered = english + swedish if language is Language.EN else swedish + english
                for term in dict.fromkeys(ordered):
                    if term.strip():
                        entries.append((f"{occupation.ssyk}{_TERM_SEPARATOR}{term}", [term]))
            for group in groups:
                title = group_title(group, language)
                entries.append((f"{_ISCO_KEY}{group.code}{_TERM_SEPARATOR}{title}", [title]))
            self.matchers[language] = PrefixMatcher(entries)

    def match(self, prefix: str, limit: int,
              language: Language = Language.SV) -> list[tuple[str, str]]:
        """(SSYK code or ``isco:`` and a unit group, matching term) pairs, best first, one
        per occupation."""
        seen: set[str] = set()
        found = []
        for key in self.matchers[language].match(prefix, limit * 8):
            code, term = key.split(_TERM_SEPARATOR, 1)
            if code not in seen:
                seen.add(code)
                found.append((code, term))
        return found


def suggestion_query(prefix: str, limit: int) -> dict[str, Any]:
    return {
        "q": prefix,
        "limit": limit * 2,
        "attributesToRetrieve": ["title", "titleEn"],
        "facets": [str(Attribute.OCCUPATION_CODE)],
    }


def read_suggestions(prefix: str, result: dict[str, Any], terms: OccupationTerms,
                     limit: int, language: Language) -> list[Suggestion]:
    """Occupations with courses first (at most half), then distinct course titles.

    A unit group's title stands for the Danish or Norwegian occupation of that group with
    the most courses (``iscoCode`` widens the search to the whole group)."""
    counts: dict[str, int] = (result.get("facetDistribution") or {}).get(
        str(Attribute.OCCUPATION_CODE), {})
    national: dict[str, tuple[int, str]] = {}  # unit group -> (courses, code), most first
    for code, count in counts.items():
        if code.startswith(_NATIONAL_PREFIXES) and count:
            group = code[3:7]
            national[group] = max(national.get(group, (0, "")), (count, code))
    occupations: list[Suggestion] = []
    for code, term in terms.match(prefix, limit, language):
        if code.startswith(_ISCO_KEY):
            group = code.removeprefix(_ISCO_KEY)
            if group in national:
                count, national_code = national[group]
                occupations.append(Suggestion(term, SuggestionKind.OCCUPATION, national_code,
                                              count, isco_code=group))
        elif counts.get(code):
            occupations.append(Suggestion(term, SuggestionKind.OCCUPATION, code, counts[code]))
    occupations = occupations[: max(1, limit // 2)]
    typed, typed_words = normalise(prefix), words(prefix)
    titles: list[tuple[int, int, str]] = []
    for position, hit in enumerate(result.get("hits", [])):
        candidates = [hit.get("title"), hit.get("titleEn")]
        if language is Language.EN:
            candidates.reverse()
        ranked = [(_title_rank(typed, typed_words, title), order, title)
                  for order, title in enumerate(candidates) if isinstance(title, str) and title]
        if ranked:  # the hit's best-matching title, the preferred language on a tie
            rank, _, title = min(ranked)
            titles.append((rank, position, title))
    titles.sort()
    seen = {normalise(s.text) for s in occupations}
    courses = []
    for _, _, title in titles:
        key = normalise(title)
        if key not in seen:
            seen.add(key)
            courses.append(Suggestion(title, SuggestionKind.COURSE_TITLE))
    return [*occupations, *courses][:limit]


def _title_rank(typed: str, typed_words: tuple[str, ...], title: str) -> int:
    """0: the title starts with the text; 1: every typed word starts a word of the title;
    2: a typo-tolerant match only."""
    if normalise(title).startswith(typed):
        return 0
    title_words = words(title)
    return 1 if all(any(w.startswith(t) for w in title_words) for t in typed_words) else 2
