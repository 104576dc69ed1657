"""Typed search requests: what a client may ask for, as plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from core.search.attributes import Facet
from core.search.vocabulary import (
    Delivery,
    DistanceCourses,
    Language,
    Pace,
    ProgrammeType,
    Schedule,
)


@dataclass(frozen=True, slots=True)
class DateRange:
    """Start dates from ``start`` to ``end``, both inclusive; either may be open.

    Courses with continuous intake can start on any day and match unless excluded.
    """

    start: date | None = None
    end: date | None = None
    include_continuous: bool = True


@dataclass(frozen=True, slots=True)
class IntRange:
    """Whole numbers from ``minimum`` to ``maximum``, both inclusive; either may be open."""

    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True, slots=True)
class CourseFilter:
    """Facet selections: values within one facet are OR-ed, facets are AND-ed."""

    regions: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    occupation_fields: tuple[str, ...] = ()
    occupations: tuple[str, ...] = ()
    programme_types: tuple[ProgrammeType, ...] = ()
    paces: tuple[Pace, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    deliveries: tuple[Delivery, ...] = ()
    languages: tuple[str, ...] = ()
    start_date: DateRange | None = None
    duration_weeks: IntRange | None = None
    eligible_at_age: int | None = None
    has_upcoming_study_visits: bool | None = None
    providers: tuple[str, ...] = ()
    free_of_charge: bool | None = None
    distance_courses: DistanceCourses = DistanceCourses.BY_PLACE
    countries: tuple[str, ...] = ()
    isco_codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GeoPoint:
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Near:
    """Around a point, or around a municipality's centre, within ``radius_km``."""

    radius_km: float
    point: GeoPoint | None = None
    municipality_code: str | None = None


@dataclass(frozen=True, slots=True)
class GeoCircle:
    """A resolved, validated search circle."""

    centre: GeoPoint
    radius_km: float


class SortOrder(Enum):
    RELEVANCE = "relevance"
    START_DATE_ASC = "start_date_asc"
    START_DATE_DESC = "start_date_desc"
    DURATION_ASC = "duration_asc"
    DURATION_DESC = "duration_desc"
    DISTANCE = "distance"


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """One course search: text, filters, place, order, page and the facets wanted."""

    query: str = ""
    filter: CourseFilter = CourseFilter()
    near: Near | None = None
    sort: SortOrder = SortOrder.RELEVANCE
    first: int = 20
    after: str | None = None
    facets: tuple[Facet, ...] = ()
    language: Language = Language.SV
    highlights: frozenset[str] = frozenset()  # attributes to mark matches in (highlight.py)
    attributes: frozenset[str] | None = None  # document attributes to retrieve; None: all
    interpret_place: bool = True  # a place named in the text may restrict the search
