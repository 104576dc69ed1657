"""The country and ISCO-08 filters: their clauses, escaping and validation."""

from __future__ import annotations

import pytest

from core.errors import InputError
from core.reference import load_reference
from core.search.attributes import Facet
from core.search.filters import Scope, build_filter_plan
from core.search.model import CourseFilter
from core.search.validation import validate_filter

REFERENCE = load_reference()


def test_countries_and_isco_groups_are_or_ed_within_and_and_ed_between() -> None:
    plan = build_filter_plan(CourseFilter(countries=("DK", "NO", "DK"),
                                          isco_codes=("7212", "8344"), regions=("12",)))
    clauses = dict(plan.clauses)
    assert clauses[Facet.COUNTRY] == 'country IN ["DK", "NO"]'
    assert clauses[Scope.ISCO] == 'iscoCode IN ["7212", "8344"]'
    assert plan.selected() == {Facet.REGION, Facet.COUNTRY}  # ISCO-08 is no facet (yet)


def test_no_selection_adds_no_clause() -> None:
    assert build_filter_plan(CourseFilter()).clauses == ()


@pytest.mark.parametrize(("course_filter", "argument"), [
    (CourseFilter(countries=("FI",)), "filter.countries"),
    (CourseFilter(countries=('SE" OR country = "DK',)), "filter.countries"),
    (CourseFilter(isco_codes=("72120",)), "filter.iscoCodes"),
    (CourseFilter(isco_codes=('7212" OR iscoCode = "8344',)), "filter.iscoCodes"),
    (CourseFilter(isco_codes=tuple(f"{n:04d}" for n in range(1000))), "filter.iscoCodes"),
])
def test_unknown_or_malformed_values_are_input_errors(course_filter: CourseFilter,
                                                      argument: str) -> None:
    with pytest.raises(InputError) as raised:
        validate_filter(course_filter, REFERENCE)
    assert raised.value.argument == argument


def test_known_values_pass() -> None:
    validate_filter(CourseFilter(countries=("SE", "DK", "NO"), isco_codes=("7212",)), REFERENCE)
