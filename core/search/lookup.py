"""Facet-value search: find values of a facet by their label among hundreds or thousands.

Labels are matched in memory (see :mod:`core.search.matching`); one query then counts
the matching values within the current search, leaving out the facet's own selection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.errors import InputError
from core.search.attributes import FACET_ATTRIBUTES, Facet
from core.search.facets import FacetValueCount, selected_values
from core.search.filters import FilterPlan, one_of
from core.search.labels import Labeller
from core.search.matching import PrefixMatcher
from core.search.meili import Query
from core.search.model import CourseFilter
from core.search.vocabulary import Language

MAX_CANDIDATES = 100

SEARCHABLE_FACETS = (
    Facet.REGION, Facet.MUNICIPALITY, Facet.OCCUPATION_FIELD, Facet.OCCUPATION,
    Facet.PROGRAMME_TYPE, Facet.PACE, Facet.SCHEDULE, Facet.DELIVERY, Facet.LANGUAGE,
    Facet.PROVIDER,
)


@dataclass(frozen=True, slots=True)
class LookupCall:
    facet: Facet
    candidates: tuple[str, ...]  # best match first
    query: Query


class FacetValueLookup:
    """Matchers over every facet's known values; the provider one follows the directory."""

    def __init__(self, labeller: Labeller) -> None:
        self.labeller = labeller
        self._matchers = {
            facet: self._build(facet) for facet in SEARCHABLE_FACETS if facet is not Facet.PROVIDER
        }
        self._providers: tuple[int, PrefixMatcher] | None = None

    def _build(self, facet: Facet) -> PrefixMatcher:
        return PrefixMatcher(
            (value, [*labels, value]) for value, labels in self.labeller.known_values(facet)
        )

    def matcher(self, facet: Facet) -> PrefixMatcher:
        if facet is Facet.PROVIDER:
            version = self.labeller.providers.version
            if self._providers is None or self._providers[0] != version:
                # Rebuilt once per directory refresh, not per request.
                self._providers = (version, self._build(facet))
            return self._providers[1]
        return self._matchers[facet]

    def plan(self, facet: Facet, text: str, plan: FilterPlan, query: str) -> LookupCall | None:
        """The counting query for the values matching ``text``; None when nothing matches."""
        if facet not in SEARCHABLE_FACETS:
            raise InputError("attribute", f"the values of {facet.name} cannot be searched")
        candidates = tuple(self.matcher(facet).match(text, MAX_CANDIDATES))
        if not candidates:
            return None
        attribute = FACET_ATTRIBUTES[facet]
        body: Query = {
            "q": query,
            "filter": plan.expression(without=facet, extra=[one_of(attribute, candidates)]),
            "facets": [str(attribute)],
            "page": 1,
            "hitsPerPage": 0,
        }
        return LookupCall(facet, candidates, body)

    def read(self, call: LookupCall, result: dict[str, Any], course_filter: CourseFilter,
             limit: int, language: Language) -> list[FacetValueCount]:
        """Matching values that occur in the search (or are selected), best match first."""
        counts: dict[str, int] = (result.get("facetDistribution") or {}).get(
            str(FACET_ATTRIBUTES[call.facet]), {})
        picked = selected_values(course_filter).get(call.facet, frozenset())
        found = [
            FacetValueCount(value, self.labeller.label(call.facet, value, language),
                            counts.get(value, 0), value in picked)
            for value in call.candidates
            if counts.get(value) or value in picked
        ]
        return found[:limit]
