"""Checks of search input: each problem names its argument."""

from __future__ import annotations

import math
from datetime import date

import pytest

from core.errors import InputError
from core.reference import load_reference
from core.search.model import (
    CourseFilter,
    DateRange,
    GeoCircle,
    GeoPoint,
    IntRange,
    Near,
    SearchRequest,
    SortOrder,
)
from core.search.validation import (
    resolve_near,
    validate_course_id,
    validate_organisation_number,
    validate_request,
)

REFERENCE = load_reference()


def _check(request: SearchRequest, max_page_size: int = 100) -> GeoCircle | None:
    return validate_request(request, REFERENCE, max_page_size)


def _argument(request: SearchRequest, max_page_size: int = 100) -> str:
    with pytest.raises(InputError) as caught:
        _check(request, max_page_size)
    error = caught.value
    assert str(error).startswith(f"Invalid argument '{error.argument}': ")
    assert error.extensions == {"code": "BAD_USER_INPUT", "argument": error.argument}
    return error.argument


def test_a_plain_request_is_fine() -> None:
    assert _check(SearchRequest()) is None
    assert _check(SearchRequest(first=0)) is None
    assert _check(SearchRequest(first=100)) is None


@pytest.mark.parametrize(("request_", "argument"), [
    (SearchRequest(query="x" * 201), "query"),
    (SearchRequest(first=101), "first"),
    (SearchRequest(first=-1), "first"),
    (SearchRequest(sort=SortOrder.DISTANCE), "sort"),
    (SearchRequest(filter=CourseFilter(regions=("99",))), "filter.regions"),
    (SearchRequest(filter=CourseFilter(regions=('01" OR "1',))), "filter.regions"),
    (SearchRequest(filter=CourseFilter(municipalities=("1280", "0000"))),
     "filter.municipalities"),
    (SearchRequest(filter=CourseFilter(occupation_fields=("nope",))), "filter.occupationFields"),
    (SearchRequest(filter=CourseFilter(occupations=("123",))), "filter.occupations"),
    (SearchRequest(filter=CourseFilter(occupations=("12345",))), "filter.occupations"),
    (SearchRequest(filter=CourseFilter(languages=("SV",))), "filter.languages"),
    (SearchRequest(filter=CourseFilter(languages=("swe",))), "filter.languages"),
    (SearchRequest(filter=CourseFilter(providers=("5560012402",))), "filter.providers"),
    (SearchRequest(filter=CourseFilter(providers=("556001-2402\n",))), "filter.providers"),
    (SearchRequest(filter=CourseFilter(regions=("01",) * 301)), "filter.regions"),
    (SearchRequest(filter=CourseFilter(start_date=DateRange(date(2027, 2, 1),
                                                            date(2027, 1, 1)))),
     "filter.startDate"),
    (SearchRequest(filter=CourseFilter(duration_weeks=IntRange(10, 5))), "filter.durationWeeks"),
    (SearchRequest(filter=CourseFilter(duration_weeks=IntRange(0, 5))), "filter.durationWeeks"),
    (SearchRequest(filter=CourseFilter(duration_weeks=IntRange(None, 1001))),
     "filter.durationWeeks"),
    (SearchRequest(filter=CourseFilter(eligible_at_age=-1)), "filter.eligibleAtAge"),
    (SearchRequest(filter=CourseFilter(eligible_at_age=151)), "filter.eligibleAtAge"),
    (SearchRequest(near=Near(0, municipality_code="1280")), "near.radiusKm"),
    (SearchRequest(near=Near(-3, municipality_code="1280")), "near.radiusKm"),
    (SearchRequest(near=Near(math.nan, municipality_code="1280")), "near.radiusKm"),
    (SearchRequest(near=Near(math.inf, municipality_code="1280")), "near.radiusKm"),
    (SearchRequest(near=Near(2001, municipality_code="1280")), "near.radiusKm"),
    (SearchRequest(near=Near(5)), "near"),
    (SearchRequest(near=Near(5, GeoPoint(59, 18), "1280")), "near"),
    (SearchRequest(near=Near(5, municipality_code="9999")), "near.municipalityCode"),
    (SearchRequest(near=Near(5, GeoPoint(90.5, 18))), "near.point.lat"),
    (SearchRequest(near=Near(5, GeoPoint(math.nan, 18))), "near.point.lat"),
    (SearchRequest(near=Near(5, GeoPoint(59, -180.5))), "near.point.lon"),
])
def test_bad_input_names_the_argument(request_: SearchRequest, argument: str) -> None:
    assert _argument(request_) == argument


def test_the_page_size_cap_comes_from_the_settings() -> None:
    assert _argument(SearchRequest(first=11), max_page_size=10) == "first"
    assert _check(SearchRequest(first=10), max_page_size=10) is None


def test_near_resolves_to_a_circle() -> None:
    malmo = REFERENCE.municipalities["1280"]
    assert resolve_near(Near(10, municipality_code="1280"), REFERENCE) == GeoCircle(
        GeoPoint(malmo.lat, malmo.lon), 10)
    assert _check(SearchRequest(near=Near(2.5, GeoPoint(59, 18)),
                                sort=SortOrder.DISTANCE)) == GeoCircle(GeoPoint(59, 18), 2.5)


def test_open_ranges_are_fine() -> None:
    f = CourseFilter(start_date=DateRange(None, date(2027, 1, 1)),
                     duration_weeks=IntRange(None, 3), eligible_at_age=0)
    assert _check(SearchRequest(filter=f)) is None


@pytest.mark.parametrize("value", ["5560012402-A", "5560012402-kurs_1-2"])
def test_course_ids(value: str) -> None:
    validate_course_id(value)


@pytest.mark.parametrize("value", ["", "556001-2402-A", "5560012402-", "5560012402-a b",
                                   '5560012402-"'])
def test_bad_course_ids(value: str) -> None:
    with pytest.raises(InputError) as caught:
        validate_course_id(value)
    assert caught.value.argument == "id"


def test_organisation_numbers() -> None:
    validate_organisation_number("556001-2402")
    with pytest.raises(InputError) as caught:
        validate_organisation_number("556001 2402")
    assert caught.value.argument == "organisationNumber"
