"""GraphQL enums of the search API; each maps by member name onto its core enum."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

import strawberry

from core import nordic_reference
from core.search import attributes, model, suggest, vocabulary

E = TypeVar("E", bound=Enum)


def to_core(value: Enum, core: type[E]) -> E:
    """The core enum member of the same name."""
    return core[value.name]


def from_core(value: Enum, api: type[E]) -> E:
    return api[value.name]


@strawberry.enum(description="Language of labels and texts.")
class Language(Enum):
    SV = strawberry.enum_value("sv", description="Swedish.")
    EN = strawberry.enum_value("en", description="English.")
    DA = strawberry.enum_value("da", description="Danish.")
    NB = strawberry.enum_value("nb", description="Norwegian (Bokmål).")


@strawberry.enum(description="The kind of programme the public employment service buys.")
class ProgrammeType(Enum):
    LABOUR_MARKET_TRAINING = strawberry.enum_value(
        "labour_market_training", description="Labour market training (arbetsmarknadsutbildning).")
    WORK_TRAINING = strawberry.enum_value("work_training", description="Work training.")
    REINFORCED_WORK_TRAINING = strawberry.enum_value(
        "reinforced_work_training", description="Reinforced work training, with supervisors.")
    VALIDATION = strawberry.enum_value("validation", description="Validation of skills.")


@strawberry.enum(description="Full or part time.")
class Pace(Enum):
    FULL_TIME = strawberry.enum_value("full_time", description="Full time.")
    PART_TIME = strawberry.enum_value("part_time", description="Part time.")


@strawberry.enum(description="When in the day or week teaching takes place.")
class Schedule(Enum):
    DAYTIME = strawberry.enum_value("daytime", description="Daytime.")
    EVENING = strawberry.enum_value("evening", description="Evenings.")
    WEEKEND = strawberry.enum_value("weekend", description="Weekends.")


@strawberry.enum(description="How the course is delivered.")
class Delivery(Enum):
    ON_SITE = strawberry.enum_value("on_site", description="On site.")
    DISTANCE = strawberry.enum_value("distance", description="At a distance.")
    BLENDED = strawberry.enum_value("blended", description="Partly on site, partly at a distance.")


@strawberry.enum(description="Fixed dates or continuous intake.")
class IntakeType(Enum):
    FIXED = strawberry.enum_value("fixed", description="Starts and ends on fixed dates.")
    CONTINUOUS = strawberry.enum_value(
        "continuous", description="Participants can start at any time.")


@strawberry.enum(description="How distance courses meet the place filters (regions, "
                             "municipalities, near).")
class DistanceCourses(Enum):
    BY_PLACE = strawberry.enum_value(
        "by_place", description="Like any course, by where the provider's office is.")
    ANYWHERE = strawberry.enum_value(
        "anywhere", description="Every distance course, wherever its provider is.")
    EXCLUDE = strawberry.enum_value("exclude", description="No distance courses.")


@strawberry.enum(description="Country of a course's provider.")
class Country(Enum):
    SE = strawberry.enum_value("SE", description="Sweden.")
    DK = strawberry.enum_value("DK", description="Denmark.")
    NO = strawberry.enum_value("NO", description="Norway.")


@strawberry.enum(description="Order of search results.")
class CourseSort(Enum):
    RELEVANCE = strawberry.enum_value(
        "relevance", description="Best match first (the default). Without a query text, "
                                 "the index's order.")
    START_DATE_ASC = strawberry.enum_value(
        "start_date_asc", description="Earliest start first; continuous intake last.")
    START_DATE_DESC = strawberry.enum_value(
        "start_date_desc", description="Latest start first; continuous intake last.")
    DURATION_ASC = strawberry.enum_value("duration_asc", description="Shortest first.")
    DURATION_DESC = strawberry.enum_value("duration_desc", description="Longest first.")
    DISTANCE = strawberry.enum_value(
        "distance", description="Nearest first; needs the 'near' argument.")


@strawberry.enum(description="The facets a search can count and filter on.")
class FacetAttribute(Enum):
    REGION = strawberry.enum_value("region", description="Region (län), by code.")
    MUNICIPALITY = strawberry.enum_value(
        "municipality", description="Municipality (kommun), by code.")
    OCCUPATION_FIELD = strawberry.enum_value(
        "occupationField", description="Occupation field (yrkesområde), by id.")
    OCCUPATION = strawberry.enum_value("occupation", description="Occupation, by SSYK code.")
    PROGRAMME_TYPE = strawberry.enum_value(
        "programmeType", description="Programme type; values are ProgrammeType names.")
    PACE = strawberry.enum_value("pace", description="Pace; values are Pace names.")
    SCHEDULE = strawberry.enum_value(
        "schedule", description="Schedule; values are Schedule names.")
    DELIVERY = strawberry.enum_value(
        "delivery", description="Delivery; values are Delivery names.")
    LANGUAGE = strawberry.enum_value(
        "language", description="Language of instruction, by ISO 639-1 code.")
    PROVIDER = strawberry.enum_value(
        "provider", description="Training provider, by organisation number.")
    FREE_OF_CHARGE = strawberry.enum_value(
        "freeOfCharge", description="Free of charge; values 'true' and 'false'.")
    HAS_UPCOMING_STUDY_VISITS = strawberry.enum_value(
        "hasUpcomingStudyVisits", description="Has study visits ahead; 'true' and 'false'.")
    START_DATE = strawberry.enum_value(
        "startDate", description="Start date; only its range (min/max) is given.")
    DURATION_WEEKS = strawberry.enum_value("durationWeeks", description="Length in weeks.")
    MINIMUM_AGE = strawberry.enum_value("minimumAge", description="Minimum age to take part.")
    COUNTRY = strawberry.enum_value(
        "country", description="Country of the provider, by ISO 3166-1 code (SE, DK, NO).")


@strawberry.enum(description="What an autocomplete suggestion is.")
class SuggestionKind(Enum):
    OCCUPATION = strawberry.enum_value(
        "occupation", description="An occupation or job title; filter on its SSYK code.")
    COURSE_TITLE = strawberry.enum_value("course_title", description="A course title.")


# The core enum each GraphQL enum stands for (checked by the unit tests).
CORE_ENUMS: dict[type[Enum], type[Enum]] = {
    Language: vocabulary.Language,
    ProgrammeType: vocabulary.ProgrammeType,
    Pace: vocabulary.Pace,
    Schedule: vocabulary.Schedule,
    Delivery: vocabulary.Delivery,
    IntakeType: vocabulary.IntakeType,
    DistanceCourses: vocabulary.DistanceCourses,
    CourseSort: model.SortOrder,
    FacetAttribute: attributes.Facet,
    Country: nordic_reference.Country,
    SuggestionKind: suggest.SuggestionKind,
}
