"""What a study-visit search asks for and what it answers: plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from core.search.documents import CourseRecord, Visit
from core.search.model import Near


class VisitSort(Enum):
    START_TIME = "START_TIME"
    DISTANCE = "DISTANCE"
    RELEVANCE = "RELEVANCE"


class VisitFacet(Enum):
    """Facets of the visit finder and the index attribute each counts."""

    REGION = "regionCode"
    MUNICIPALITY = "municipalityCode"
    OCCUPATION_FIELD = "occupationField"
    OCCUPATION = "occupationCode"
    PROGRAMME_TYPE = "programmeType"
    PROVIDER = "providerOrgNumber"
    LANGUAGE = "languages"
    WEEKDAY = "weekday"
    TIME_OF_DAY = "timeOfDay"


VISIT_INDEX_SUFFIX = "_visits"


def visit_index_uid(course_index_uid: str) -> str:
    """The visit index that belongs to a course index (they are loaded and swapped together)."""
    return f"{course_index_uid}{VISIT_INDEX_SUFFIX}"


TIMES_OF_DAY = ("morning", "afternoon", "evening")
LOCAL_TIME = ZoneInfo("Europe/Stockholm")  # the days of a date-range filter (a visit's
# weekday and time of day are its own country's: indexer.visit_documents)


@dataclass(frozen=True, slots=True)
class VisitFilter:
    """Facet selections (values OR-ed within a facet, facets AND-ed) and ranges."""

    regions: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    occupation_fields: tuple[str, ...] = ()
    occupations: tuple[str, ...] = ()
    programme_types: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    weekdays: tuple[int, ...] = ()
    times_of_day: tuple[str, ...] = ()
    date_from: date | None = None  # Swedish calendar days, both ends inclusive
    date_to: date | None = None
    only_with_seats_left: bool = False
    only_open_for_registration: bool = False  # the closing time has not passed

    def selected(self, facet: VisitFacet) -> tuple[str | int, ...]:
        values: dict[VisitFacet, tuple[Any, ...]] = {
            VisitFacet.REGION: self.regions,
            VisitFacet.MUNICIPALITY: self.municipalities,
            VisitFacet.OCCUPATION_FIELD: self.occupation_fields,
            VisitFacet.OCCUPATION: self.occupations,
            VisitFacet.PROGRAMME_TYPE: self.programme_types,
            VisitFacet.PROVIDER: self.providers,
            VisitFacet.LANGUAGE: self.languages,
            VisitFacet.WEEKDAY: self.weekdays,
            VisitFacet.TIME_OF_DAY: self.times_of_day,
        }
        return values[facet]


@dataclass(frozen=True, slots=True)
class VisitSearchRequest:
    query: str = ""
    filter: VisitFilter = field(default_factory=VisitFilter)
    near: Near | None = None
    sort: VisitSort = VisitSort.START_TIME
    first: int = 20
    after: str | None = None
    facets: tuple[VisitFacet, ...] = ()


@dataclass(frozen=True, slots=True)
class VisitHit:
    """One visit with its course, the seats left now and its distance from ``near``."""

    visit: Visit
    course: CourseRecord
    weekday: int
    time_of_day: str
    seats_left: int
    distance_km: float | None
    cursor: str


@dataclass(frozen=True, slots=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True, slots=True)
class VisitFacetResult:
    facet: VisitFacet
    values: tuple[FacetCount, ...]


@dataclass(frozen=True, slots=True)
class VisitPage:
    hits: tuple[VisitHit, ...]
    total_count: int
    has_next_page: bool
    has_previous_page: bool
    facets: tuple[VisitFacetResult, ...]
