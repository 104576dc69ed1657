"""The filter builders: exact expressions, escaping of any value, disjunctive plans."""

from __future__ import annotations

import random
from datetime import date

import pytest

from core.search.attributes import Attribute, Facet
from core.search.filters import (
    FilterPlan,
    Scope,
    build_filter_plan,
    date_timestamp,
    equals,
    int_range,
    one_of,
    start_date_clause,
    upcoming_bound,
    upcoming_visits_clause,
)
from core.search.model import CourseFilter, DateRange, GeoCircle, GeoPoint, IntRange
from core.search.vocabulary import Delivery, DistanceCourses, Pace, ProgrammeType, Schedule

HOSTILE = ['x" OR regionCode = "y', "a\\", "O'Brien", '\\"', '"', "\\", "", "a\\\"b",
           "]", "[", ") OR (", "NOT", "\n", "ä ö å", '\\\\"\\']


def read_literals(text: str) -> tuple[list[str], str]:
    """Parse a sequence of Meilisearch double-quoted literals (``"..."``, ``, ``-separated)
    from the start of ``text``; returns the decoded values and what follows them."""
    values: list[str] = []
    position = 0
    while position < len(text) and text[position] == '"':
        position += 1
        value = []
        while True:
            char = text[position]
            if char == "\\":
                value.append(text[position + 1])
                position += 2
            elif char == '"':
                position += 1
                break
            else:
                value.append(char)
                position += 1
        values.append("".join(value))
        if text.startswith(", ", position):
            position += 2
    return values, text[position:]


@pytest.mark.parametrize("value", HOSTILE)
def test_equals_reads_back_as_exactly_one_literal(value: str) -> None:
    clause = equals(Attribute.REGION_CODE, value)
    prefix = "regionCode = "
    assert clause.startswith(prefix)
    assert read_literals(clause[len(prefix):]) == ([value], "")


@pytest.mark.parametrize("values", [HOSTILE, HOSTILE[:1], ["a", "b"]])
def test_one_of_reads_back_as_the_same_values(values: list[str]) -> None:
    clause = one_of(Attribute.LANGUAGES, values)
    prefix = "languages IN ["
    assert clause.startswith(prefix) and clause.endswith("]")
    assert read_literals(clause[len(prefix):-1]) == (values, "")


def test_random_values_never_escape_their_literal() -> None:
    rng = random.Random(20240611)
    alphabet = ['"', "\\", "'", " ", "a", "Ö", "=", "(", ")", "[", "]", ",", "\t", "OR", "\u2028"]
    for _ in range(2000):
        values = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
                  for _ in range(rng.randint(1, 4))]
        clause = one_of(Attribute.PROVIDER_ORG_NUMBER, values)
        assert read_literals(clause[len("providerOrgNumber IN ["):-1]) == (values, "")


def test_equals_with_booleans_and_numbers() -> None:
    assert equals(Attribute.IS_FREE, True) == "isFree = true"
    assert equals(Attribute.IS_DISTANCE, False) == "isDistance = false"
    assert equals(Attribute.MINIMUM_AGE, 18) == "minimumAge = 18"


@pytest.mark.parametrize(("bounds", "expected"), [
    (IntRange(4, 12), "durationWeeks >= 4 AND durationWeeks <= 12"),
    (IntRange(4, None), "durationWeeks >= 4"),
    (IntRange(None, 12), "durationWeeks <= 12"),
    (IntRange(None, None), None),
])
def test_int_range(bounds: IntRange, expected: str | None) -> None:
    assert int_range(Attribute.DURATION_WEEKS, bounds) == expected


def test_date_timestamp_is_midnight_utc() -> None:
    assert date_timestamp(date(1970, 1, 2)) == 86400
    assert date_timestamp(date(2027, 1, 11)) == 1799625600


@pytest.mark.parametrize(("dates", "expected"), [
    (DateRange(date(1970, 1, 2), date(1970, 1, 3)),
     '(startDate >= 86400 AND startDate <= 172800) OR intake = "continuous"'),
    (DateRange(date(1970, 1, 2), None, include_continuous=False), "startDate >= 86400"),
    (DateRange(None, date(1970, 1, 3), include_continuous=False), "startDate <= 172800"),
    (DateRange(None, None, include_continuous=False), 'intake = "fixed"'),
    (DateRange(None, None), None),
])
def test_start_date_clause(dates: DateRange, expected: str | None) -> None:
    assert start_date_clause(dates) == expected


def test_an_empty_filter_has_no_expression() -> None:
    plan = build_filter_plan(CourseFilter())
    assert plan.expression() is None
    assert plan.selected() == frozenset()


def test_every_facet_becomes_one_clause() -> None:
    f = CourseFilter(
        regions=("01", "12"), municipalities=("1280",), occupation_fields=("data-it",),
        occupations=("2512",), programme_types=(ProgrammeType.VALIDATION,),
        paces=(Pace.PART_TIME,), schedules=(Schedule.EVENING, Schedule.WEEKEND),
        deliveries=(Delivery.BLENDED,), languages=("sv", "en"),
        start_date=DateRange(date(1970, 1, 2), None, include_continuous=False),
        duration_weeks=IntRange(2, 8), eligible_at_age=19, has_upcoming_study_visits=True,
        providers=("556001-2402",), free_of_charge=True,
    )
    plan = build_filter_plan(f, now_ts=1000)
    assert dict(plan.clauses) == {
        Facet.REGION: 'regionCode IN ["01", "12"]',
        Facet.MUNICIPALITY: 'municipalityCode IN ["1280"]',
        Facet.OCCUPATION_FIELD: 'occupationField IN ["data-it"]',
        Facet.OCCUPATION: 'occupationCode IN ["2512"]',
        Facet.PROGRAMME_TYPE: 'programmeType IN ["validation"]',
        Facet.PACE: 'pace IN ["part_time"]',
        Facet.SCHEDULE: 'schedule IN ["evening", "weekend"]',
        Facet.DELIVERY: 'delivery IN ["blended"]',
        Facet.LANGUAGE: 'languages IN ["sv", "en"]',
        Facet.START_DATE: "startDate >= 86400",
        Facet.DURATION_WEEKS: "durationWeeks >= 2 AND durationWeeks <= 8",
        Facet.MINIMUM_AGE: "minimumAge <= 19",
        Facet.HAS_UPCOMING_STUDY_VISITS: "studyVisitStarts > 1000",
        Facet.PROVIDER: 'providerOrgNumber IN ["556001-2402"]',
        Facet.FREE_OF_CHARGE: "isFree = true",
    }
    assert plan.selected() == frozenset(dict(plan.clauses))
    expression = plan.expression()
    assert expression is not None
    assert expression.count(" AND (") == len(plan.clauses) - 1
    assert all(f"({clause})" in expression for _, clause in plan.clauses)


def test_negative_selections() -> None:
    plan = build_filter_plan(CourseFilter(has_upcoming_study_visits=False, free_of_charge=False),
                             now_ts=5)
    assert plan.expression() == "(NOT studyVisitStarts > 5) AND (isFree = false)"


def test_duplicate_values_are_sent_once() -> None:
    plan = build_filter_plan(CourseFilter(regions=("01", "01", "03")))
    assert plan.expression() == '(regionCode IN ["01", "03"])'


def test_leaving_out_a_facet_for_its_disjunctive_counts() -> None:
    plan = build_filter_plan(CourseFilter(regions=("01",), paces=(Pace.FULL_TIME,)))
    assert plan.expression(without=Facet.REGION) == '(pace IN ["full_time"])'
    assert plan.expression(without=Facet.PACE) == '(regionCode IN ["01"])'
    assert plan.expression(without=Facet.SCHEDULE) == plan.expression()
    # Place clauses (region, municipality, near) come after the others.
    assert plan.expression(extra=["x = 1"]) == (
        '(pace IN ["full_time"]) AND (regionCode IN ["01"]) AND (x = 1)')


def test_near_and_distance_courses() -> None:
    circle = GeoCircle(GeoPoint(59.5, 18.25), 12.5)
    by_place = build_filter_plan(CourseFilter(regions=("01",)), circle)
    assert by_place.expression() == (
        '(regionCode IN ["01"]) AND (_geoRadius(59.5, 18.25, 12500))')
    anywhere = build_filter_plan(
        CourseFilter(regions=("01",), paces=(Pace.FULL_TIME,),
                     distance_courses=DistanceCourses.ANYWHERE), circle)
    assert anywhere.expression() == (
        '(pace IN ["full_time"]) AND ((regionCode IN ["01"]) AND '
        "(_geoRadius(59.5, 18.25, 12500)) OR isDistance = true)")
    assert anywhere.expression(without=Facet.REGION) == (
        '(pace IN ["full_time"]) AND ((_geoRadius(59.5, 18.25, 12500)) OR isDistance = true)')
    no_place = build_filter_plan(CourseFilter(distance_courses=DistanceCourses.ANYWHERE))
    assert no_place.expression() is None
    excluded = build_filter_plan(CourseFilter(distance_courses=DistanceCourses.EXCLUDE), circle)
    assert excluded.expression() == "(isDistance = false) AND (_geoRadius(59.5, 18.25, 12500))"
    assert dict(excluded.clauses).keys() == {Scope.NO_DISTANCE, Scope.NEAR}
    assert excluded.selected() == frozenset()


def test_fixed_clauses_stay_in_every_expression() -> None:
    plan = build_filter_plan(CourseFilter(paces=(Pace.FULL_TIME,)), fixed=['id = "x"'])
    assert plan.expression(without=Facet.PACE) == '(id = "x")'


def test_upcoming_visits_clause() -> None:
    assert upcoming_visits_clause(1_700_000_000) == "studyVisitStarts > 1700000000"


def test_a_plan_is_a_value() -> None:
    assert build_filter_plan(CourseFilter(regions=("01",))) == FilterPlan(
        ((Facet.REGION, 'regionCode IN ["01"]'),))


def test_upcoming_visits_are_counted_from_the_next_whole_minute() -> None:
    minute = 1_800_000_000  # a whole minute
    assert upcoming_bound(minute) == minute + 60  # a visit starting now has started
    assert upcoming_bound(minute + 0.4) == minute + 60
    assert upcoming_bound(minute + 59.9) == minute + 60
    assert upcoming_bound(minute + 60) == minute + 120
    rng = random.Random(5)
    for _ in range(1000):
        now = minute + rng.uniform(0, 86_400)
        bound = upcoming_bound(now)
        # Never at or before now (a started visit is never upcoming), the same bound for
        # the whole minute (one count query per minute), at most a minute ahead.
        assert now < bound <= now + 60 and bound % 60 == 0
        assert upcoming_bound(bound - 60) == bound
