"""Disjunctive facet counts: planning the extra queries and reading their results (pure).

A facet without a selection is counted by the main query. A facet with a selection is
counted by a query of its own whose filter leaves out that facet's clause, so its counts
show what choosing another value would give. All queries go in one multi-search.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from core.search.attributes import FACET_ATTRIBUTES, NUMERIC_FACETS, RANGE_ONLY_FACETS, Facet
from core.search.filters import FilterPlan, date_timestamp, upcoming_visits_clause
from core.search.labels import Labeller
from core.search.model import CourseFilter
from core.search.vocabulary import Language

UPCOMING = Facet.HAS_UPCOMING_STUDY_VISITS
_ATTRIBUTE_NAMES = {facet: str(attribute) for facet, attribute in FACET_ATTRIBUTES.items()}


@dataclass(slots=True)
class FacetValueCount:
    """A value and its count. Not frozen: hundreds are made per search, and a frozen
    dataclass's ``__init__`` costs three times as much. Treat it as immutable."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True, slots=True)
class FacetResult:
    """The values of one facet with their counts; numeric facets also carry min and max."""

    facet: Facet
    values: tuple[FacetValueCount, ...]
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True, slots=True)
class FacetPlan:
    """Which facets the main query counts, and one extra query per facet with a selection."""

    main_attributes: tuple[str, ...]
    extra: tuple[tuple[Facet, dict[str, Any]], ...]


def plan_facets(plan: FilterPlan, wanted: Sequence[Facet], now_ts: int) -> FacetPlan:
    """The facet part of the main query and the extra (limit 0) queries."""
    selected = plan.selected()
    main: list[str] = []
    extra: list[tuple[Facet, dict[str, Any]]] = []
    for facet in dict.fromkeys(wanted):
        if facet is UPCOMING:
            clause = upcoming_visits_clause(now_ts)
            body = _count_only(plan.expression(without=UPCOMING) if facet in selected
                               else plan.expression(extra=[clause]))
            extra.append((facet, body))
            continue
        attribute = _ATTRIBUTE_NAMES[facet]
        if facet in selected:
            body = _count_only(plan.expression(without=facet))
            body["facets"] = [attribute]
            extra.append((facet, body))
        else:
            main.append(attribute)
    return FacetPlan(tuple(main), tuple(extra))


def _count_only(expression: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"page": 1, "hitsPerPage": 0}
    if expression is not None:
        body["filter"] = expression
    return body


def selected_values(course_filter: CourseFilter) -> dict[Facet, frozenset[str]]:
    """The selected values of the list and boolean facets, as facet values are spelled."""
    f = course_filter
    lists: dict[Facet, tuple[str, ...]] = {
        Facet.REGION: f.regions,
        Facet.MUNICIPALITY: f.municipalities,
        Facet.OCCUPATION_FIELD: f.occupation_fields,
        Facet.OCCUPATION: f.occupations,
        Facet.PROGRAMME_TYPE: tuple(v.value for v in f.programme_types),
        Facet.PACE: tuple(v.value for v in f.paces),
        Facet.SCHEDULE: tuple(v.value for v in f.schedules),
        Facet.DELIVERY: tuple(v.value for v in f.deliveries),
        Facet.LANGUAGE: f.languages,
        Facet.PROVIDER: f.providers,
        Facet.COUNTRY: f.countries,
    }
    result = {facet: frozenset(values) for facet, values in lists.items()}
    for facet, flag in ((Facet.FREE_OF_CHARGE, f.free_of_charge),
                        (UPCOMING, f.has_upcoming_study_visits)):
        result[facet] = frozenset() if flag is None else frozenset({"true" if flag else "false"})
    return result


def _numeric_selection(facet: Facet, f: CourseFilter) -> Callable[[float], bool] | None:
    """Whether a value of a numeric facet is within the filter's range (None: no range)."""
    if facet is Facet.DURATION_WEEKS and f.duration_weeks is not None:
        low, high = f.duration_weeks.minimum, f.duration_weeks.maximum
        return lambda value: (low is None or value >= low) and (high is None or value <= high)
    if facet is Facet.MINIMUM_AGE and f.eligible_at_age is not None:
        age = f.eligible_at_age
        return lambda value: value <= age
    if facet is Facet.START_DATE and f.start_date is not None:
        start = None if f.start_date.start is None else date_timestamp(f.start_date.start)
        end = None if f.start_date.end is None else date_timestamp(f.start_date.end)
        return lambda value: (start is None or value >= start) and (end is None or value <= end)
    return None


def read_facets(
    wanted: Sequence[Facet],
    facet_plan: FacetPlan,
    main: dict[str, Any],
    extra: Sequence[dict[str, Any]],
    course_filter: CourseFilter,
    labeller: Labeller,
    language: Language,
    limit: int | None = None,
) -> list[FacetResult]:
    """The facets in the order wanted, from the main result and the extra results.

    With a ``limit``, a counted facet's values hold only its first ``limit`` and the selected
    ones after them, in the same order: enough for any slice of at most ``limit`` values
    plus the selected ones, and far cheaper for facets with hundreds.
    """
    own = {facet: result for (facet, _), result in zip(facet_plan.extra, extra, strict=True)}
    chosen = selected_values(course_filter)
    results = []
    for facet in dict.fromkeys(wanted):
        if facet is UPCOMING:
            results.append(_upcoming(main, own[facet], course_filter, chosen[facet], labeller,
                                     language))
            continue
        attribute = _ATTRIBUTE_NAMES[facet]
        source = own.get(facet, main)
        distribution: dict[str, int] = (source.get("facetDistribution") or {}).get(attribute, {})
        if facet in NUMERIC_FACETS:
            stats = (source.get("facetStats") or {}).get(attribute)
            values = () if facet in RANGE_ONLY_FACETS else _numeric_values(
                facet, distribution, course_filter, labeller, language, limit)
            results.append(FacetResult(
                facet, values,
                float(stats["min"]) if stats else None, float(stats["max"]) if stats else None,
            ))
            continue
        picked = chosen.get(facet, frozenset())
        counts = _candidates(distribution, limit)
        for value in picked:
            counts.setdefault(value, distribution.get(value, 0))
        labels, keys = labeller.ordering(facet, language)
        # Most frequent first, then by label and value: two sorts with C-level keys.
        order = sorted(counts, key=keys.__getitem__)
        order.sort(key=counts.__getitem__, reverse=True)  # stable, also when reversed
        if limit is not None and len(order) > limit:
            order = order[:limit] + [value for value in order[limit:] if value in picked]
        results.append(FacetResult(facet, tuple([
            FacetValueCount(value, labels[value], counts[value], value in picked)
            for value in order])))
    return results


def _numeric_values(facet: Facet, distribution: dict[str, int], course_filter: CourseFilter,
                    labeller: Labeller, language: Language, limit: int | None
                    ) -> tuple[FacetValueCount, ...]:
    """In numeric order; with a ``limit``, the first ``limit`` and the selected ones."""
    ordered = sorted(distribution, key=float)
    label = labeller.labelling(facet, language)
    within = _numeric_selection(facet, course_filter)
    if within is None:
        return tuple([FacetValueCount(value, label(value), distribution[value], False)
                      for value in ordered[:limit]])
    return tuple([
        FacetValueCount(value, label(value), distribution[value], selected)
        for position, value in enumerate(ordered)
        if (selected := within(float(value))) or limit is None or position < limit
    ])


def _candidates(distribution: dict[str, int], limit: int | None) -> dict[str, int]:
    """The values that can be among the first ``limit`` by count (all when None).

    Meilisearch sends each distribution most frequent first (``sortFacetValuesBy``); the
    first ``limit`` and those tied with the last of them are the candidates. Should the
    order ever be otherwise, every value is.
    """
    if limit is None or limit < 0 or len(distribution) <= limit:
        return dict(distribution)
    counts = list(distribution.values())
    if counts != sorted(counts, reverse=True):
        return dict(distribution)
    threshold = counts[limit - 1] if limit > 0 else None
    found: dict[str, int] = {}
    for position, (value, count) in enumerate(distribution.items()):
        if position >= limit and count != threshold:
            break
        found[value] = count
    return found


def _upcoming(main: dict[str, Any], own: dict[str, Any], course_filter: CourseFilter,
              picked: frozenset[str], labeller: Labeller, language: Language) -> FacetResult:
    main_total = total_hits(main)
    own_total = total_hits(own)
    flag = course_filter.has_upcoming_study_visits
    if flag is None:
        with_visits, total = own_total, main_total
    elif flag:
        with_visits, total = main_total, own_total
    else:
        with_visits, total = own_total - main_total, own_total
    counts = {"true": with_visits, "false": total - with_visits}
    return FacetResult(UPCOMING, tuple(
        FacetValueCount(value, labeller.label(UPCOMING, value, language), count, value in picked)
        for value, count in counts.items()
    ))


def total_hits(result: dict[str, Any]) -> int:
    """The exact count of a page-mode result (the estimate of an offset-mode one)."""
    return int(result["totalHits"] if "totalHits" in result else result["estimatedTotalHits"])
