"""GraphQL input types of the search API and their conversion to core requests."""

from __future__ import annotations

import datetime

import strawberry

from api.search import enums
from api.search.enums import to_core
from core.nordic_reference import Country
from core.search import model, vocabulary


@strawberry.input(description="A range of start dates, both ends inclusive; either may be "
                              "left open.")
class DateRangeInput:
    from_: datetime.date | None = strawberry.field(
        default=None, name="from", description="Earliest start date.")
    to: datetime.date | None = strawberry.field(default=None, description="Latest start date.")
    include_continuous_intake: bool = strawberry.field(
        default=True,
        description="Also courses with continuous intake, which can start on any day.")


@strawberry.input(description="A range of whole numbers, both ends inclusive; either may be "
                              "left open.")
class IntRangeInput:
    min: int | None = strawberry.field(default=None, description="Smallest value.")
    max: int | None = strawberry.field(default=None, description="Largest value.")


@strawberry.input(description="Facet selections. Values within one facet are OR-ed; facets "
                              "are AND-ed.")
class CourseFilterInput:
    regions: list[str] | None = strawberry.field(
        default=None, description="Region codes: Swedish (two digits, e.g. \"12\" for "
                                  "Skåne), Danish and Norwegian with the country (\"DK-1084\" "
                                  "for Region Hovedstaden, \"NO-46\" for Vestland).")
    municipalities: list[str] | None = strawberry.field(
        default=None, description="Municipality codes: Swedish (four digits, e.g. \"1280\" for "
                                  "Malmö), Danish and Norwegian with the country "
                                  "(\"DK-0101\", \"NO-0301\").")
    occupation_fields: list[str] | None = strawberry.field(
        default=None, description="Occupation field ids, e.g. \"halsa-sjukvard\".")
    occupations: list[str] | None = strawberry.field(
        default=None, description="Occupations as the OCCUPATION facet gives them: SSYK 2012 "
                                  "codes (four digits), Danish DISCO-08 and Norwegian "
                                  "STYRK-08 codes with the country (\"DK-721200\", "
                                  "\"NO-8344\").")
    programme_types: list[enums.ProgrammeType] | None = strawberry.field(
        default=None, description="Programme types.")
    paces: list[enums.Pace] | None = strawberry.field(default=None, description="Paces.")
    schedules: list[enums.Schedule] | None = strawberry.field(
        default=None, description="Schedules; a course matches if it has any of them.")
    deliveries: list[enums.Delivery] | None = strawberry.field(
        default=None, description="Deliveries.")
    languages: list[str] | None = strawberry.field(
        default=None, description="Languages of instruction (ISO 639-1); any of them.")
    start_date: DateRangeInput | None = strawberry.field(
        default=None, description="Start date range.")
    duration_weeks: IntRangeInput | None = strawberry.field(
        default=None, description="Length in weeks.")
    eligible_at_age: int | None = strawberry.field(
        default=None, description="Only courses open to someone of this age (minimum age at "
                                  "most this).")
    has_upcoming_study_visits: bool | None = strawberry.field(
        default=None, description="Only courses with (true) or without (false) study visits "
                                  "ahead.")
    providers: list[str] | None = strawberry.field(
        default=None, description="Providers' national identifiers (NNNNNN-NNNN, Danish CVR "
                                  "numbers, Norwegian organisation numbers).")
    free_of_charge: bool | None = strawberry.field(
        default=None, description="Only free (true) or only fee-charging (false) courses.")
    distance_courses: enums.DistanceCourses = strawberry.field(
        default=enums.DistanceCourses.BY_PLACE,
        description="How distance courses meet the place filters.")
    countries: list[enums.Country] | None = strawberry.field(
        default=None, description="Countries of the providers (Sweden, Denmark, Norway).")
    isco_codes: list[str] | None = strawberry.field(
        default=None, description="ISCO-08 unit groups (four digits), e.g. \"7212\" for "
                                  "welders: Danish (DISCO-08) and Norwegian (STYRK-08) courses, "
                                  "and Swedish ones whose feed states the group.")


@strawberry.input(description="A point on the map (WGS 84).")
class GeoPointInput:
    lat: float = strawberry.field(description="Latitude in degrees.")
    lon: float = strawberry.field(description="Longitude in degrees.")


@strawberry.input(description="Courses within a radius of a point or of a municipality's "
                              "centre. Give exactly one of point and municipalityCode.")
class NearInput:
    radius_km: float = strawberry.field(description="Radius in kilometres, greater than 0.")
    point: GeoPointInput | None = strawberry.field(default=None, description="The centre.")
    municipality_code: str | None = strawberry.field(
        default=None, description="A municipality whose centre is the centre (Danish and "
                                  "Norwegian ones with the country: \"DK-0101\").")


def filter_to_core(value: CourseFilterInput | None) -> model.CourseFilter:
    if value is None:
        return model.CourseFilter()
    dates = value.start_date
    weeks = value.duration_weeks
    return model.CourseFilter(
        regions=tuple(value.regions or ()),
        municipalities=tuple(value.municipalities or ()),
        occupation_fields=tuple(value.occupation_fields or ()),
        occupations=tuple(value.occupations or ()),
        programme_types=tuple(to_core(v, vocabulary.ProgrammeType)
                              for v in value.programme_types or ()),
        paces=tuple(to_core(v, vocabulary.Pace) for v in value.paces or ()),
        schedules=tuple(to_core(v, vocabulary.Schedule) for v in value.schedules or ()),
        deliveries=tuple(to_core(v, vocabulary.Delivery) for v in value.deliveries or ()),
        languages=tuple(value.languages or ()),
        start_date=None if dates is None else model.DateRange(
            dates.from_, dates.to, dates.include_continuous_intake),
        duration_weeks=None if weeks is None else model.IntRange(weeks.min, weeks.max),
        eligible_at_age=value.eligible_at_age,
        has_upcoming_study_visits=value.has_upcoming_study_visits,
        providers=tuple(value.providers or ()),
        free_of_charge=value.free_of_charge,
        distance_courses=to_core(value.distance_courses, vocabulary.DistanceCourses),
        countries=tuple(to_core(v, Country) for v in value.countries or ()),
        isco_codes=tuple(value.isco_codes or ()),
    )


def near_to_core(value: NearInput | None) -> model.Near | None:
    if value is None:
        return None
    point = None if value.point is None else model.GeoPoint(value.point.lat, value.point.lon)
    return model.Near(value.radius_km, point, value.municipality_code)
