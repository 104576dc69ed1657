"""Meilisearch filter expressions built from typed input (pure functions).

Attribute names come from :class:`~core.search.attributes.Attribute`; every value goes
through :func:`core.meili_filter.quote`. A filter is kept as a :class:`FilterPlan`, one
clause per facet, so that a facet's own clause can be left out for its disjunctive counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum

from core.meili_filter import quote, quote_list
from core.search.attributes import PLACE_FACETS, Attribute, Facet
from core.search.geo import geo_radius_filter
from core.search.model import CourseFilter, DateRange, GeoCircle, IntRange
from core.search.vocabulary import DistanceCourses, IntakeType


class Scope(Enum):
    """Clauses that belong to no facet."""

    NEAR = "near"  # the geo circle; a place clause
    NO_DISTANCE = "noDistance"  # distance courses excluded
    FIXED = "fixed"  # set by the query itself, e.g. one provider's courses
    ISCO = "isco"  # ISCO-08 unit groups, across the national occupation codes


ClauseKey = Facet | Scope

_PLACE_KEYS: frozenset[ClauseKey] = frozenset({*PLACE_FACETS, Scope.NEAR})


def date_timestamp(value: date) -> int:
    """A calendar date as the Unix timestamp of its midnight UTC (as the indexer stores it)."""
    return int(datetime.combine(value, datetime.min.time(), UTC).timestamp())


def equals(attribute: Attribute, value: str | int | bool) -> str:
    return f"{attribute} = {quote(value)}"


def one_of(attribute: Attribute, values: Iterable[str]) -> str:
    """The attribute (or one of its array elements) equals one of the values."""
    return f"{attribute} IN {quote_list(values)}"


def int_range(attribute: Attribute, bounds: IntRange) -> str | None:
    parts = []
    if bounds.minimum is not None:
        parts.append(f"{attribute} >= {quote(int(bounds.minimum))}")
    if bounds.maximum is not None:
        parts.append(f"{attribute} <= {quote(int(bounds.maximum))}")
    return " AND ".join(parts) or None


def start_date_clause(dates: DateRange) -> str | None:
    """Fixed-intake courses starting within the range, plus continuous intake unless excluded."""
    parts = []
    if dates.start is not None:
        parts.append(f"{Attribute.START_DATE} >= {quote(date_timestamp(dates.start))}")
    if dates.end is not None:
        parts.append(f"{Attribute.START_DATE} <= {quote(date_timestamp(dates.end))}")
    if not parts:
        return None if dates.include_continuous else equals(Attribute.INTAKE, IntakeType.FIXED)
    fixed = " AND ".join(parts)
    if dates.include_continuous:
        return f"({fixed}) OR {equals(Attribute.INTAKE, IntakeType.CONTINUOUS)}"
    return fixed


UPCOMING_STEP_SECONDS = 60


def upcoming_bound(now: float) -> int:
    """The moment a search counts study visits as "upcoming" from: the next whole minute
    after ``now`` (Unix seconds), so that every search of a minute sends the same
    "upcoming" filter and count query, and their answers can be shared.

    Rounded up, never down: a visit that has started (at or before ``now``) is never
    counted as upcoming; one starting in the rest of the minute is already left out, when
    its registration has closed anyway unless its feed lets it close at the very start.
    An answer planned with this bound stays exact until the bound passes, so a cached one
    must not be served after it (``SearchCall.fresh_until``).
    """
    return (int(now) // UPCOMING_STEP_SECONDS + 1) * UPCOMING_STEP_SECONDS


def upcoming_visits_clause(now_ts: int) -> str:
    """At least one study visit starts after ``now_ts``."""
    return f"{Attribute.STUDY_VISIT_STARTS} > {quote(int(now_ts))}"


@dataclass(frozen=True, slots=True)
class FilterPlan:
    """The clauses of one search's filter, keyed by the facet (or scope) they belong to."""

    clauses: tuple[tuple[ClauseKey, str], ...] = ()
    distance_anywhere: bool = False

    def selected(self) -> frozenset[Facet]:
        """The facets that have a selection."""
        return frozenset(key for key, _ in self.clauses if isinstance(key, Facet))

    def expression(self, without: Facet | None = None, extra: Sequence[str] = ()) -> str | None:
        """The whole filter, leaving out the clause of ``without``, AND-ed with ``extra``."""
        kept = [(key, clause) for key, clause in self.clauses if key != without]
        place = [clause for key, clause in kept if key in _PLACE_KEYS]
        others = [clause for key, clause in kept if key not in _PLACE_KEYS]
        if place and self.distance_anywhere:
            group = " AND ".join(f"({clause})" for clause in place)
            others.append(f"{group} OR {equals(Attribute.IS_DISTANCE, True)}")
        else:
            others.extend(place)
        others.extend(extra)
        if not others:
            return None
        return " AND ".join(f"({clause})" for clause in others)


def build_filter_plan(
    course_filter: CourseFilter,
    circle: GeoCircle | None = None,
    now_ts: int = 0,
    fixed: Sequence[str] = (),
) -> FilterPlan:
    """The plan of a validated filter; ``now_ts`` is the time "upcoming" is measured from."""
    f = course_filter
    clauses: list[tuple[ClauseKey, str | None]] = [(Scope.FIXED, clause) for clause in fixed]
    lists: list[tuple[Facet, Attribute, Sequence[str]]] = [
        (Facet.REGION, Attribute.REGION_CODE, f.regions),
        (Facet.MUNICIPALITY, Attribute.MUNICIPALITY_CODE, f.municipalities),
        (Facet.OCCUPATION_FIELD, Attribute.OCCUPATION_FIELD, f.occupation_fields),
        (Facet.OCCUPATION, Attribute.OCCUPATION_CODE, f.occupations),
        (Facet.PROGRAMME_TYPE, Attribute.PROGRAMME_TYPE, [v.value for v in f.programme_types]),
        (Facet.PACE, Attribute.PACE, [v.value for v in f.paces]),
        (Facet.SCHEDULE, Attribute.SCHEDULE, [v.value for v in f.schedules]),
        (Facet.DELIVERY, Attribute.DELIVERY, [v.value for v in f.deliveries]),
        (Facet.LANGUAGE, Attribute.LANGUAGES, f.languages),
        (Facet.PROVIDER, Attribute.PROVIDER_ORG_NUMBER, f.providers),
        (Facet.COUNTRY, Attribute.COUNTRY, f.countries),
    ]
    for facet, attribute, values in lists:
        if values:
            clauses.append((facet, one_of(attribute, _unique(values))))
    if f.isco_codes:
        clauses.append((Scope.ISCO, one_of(Attribute.ISCO_CODE, _unique(f.isco_codes))))
    if f.start_date is not None:
        clauses.append((Facet.START_DATE, start_date_clause(f.start_date)))
    if f.duration_weeks is not None:
        clauses.append((Facet.DURATION_WEEKS, int_range(Attribute.DURATION_WEEKS,
                                                        f.duration_weeks)))
    if f.eligible_at_age is not None:
        clauses.append((Facet.MINIMUM_AGE, f"{Attribute.MINIMUM_AGE} <= "
                                           f"{quote(int(f.eligible_at_age))}"))
    if f.has_upcoming_study_visits is not None:
        upcoming = upcoming_visits_clause(now_ts)
        clauses.append((Facet.HAS_UPCOMING_STUDY_VISITS,
                        upcoming if f.has_upcoming_study_visits else f"NOT {upcoming}"))
    if f.free_of_charge is not None:
        clauses.append((Facet.FREE_OF_CHARGE, equals(Attribute.IS_FREE, f.free_of_charge)))
    if f.distance_courses is DistanceCourses.EXCLUDE:
        clauses.append((Scope.NO_DISTANCE, equals(Attribute.IS_DISTANCE, False)))
    if circle is not None:
        clauses.append((Scope.NEAR, geo_radius_filter(circle)))
    return FilterPlan(
        tuple((key, clause) for key, clause in clauses if clause),
        distance_anywhere=f.distance_courses is DistanceCourses.ANYWHERE,
    )


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
