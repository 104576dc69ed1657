"""Limits and error answers: bad input names its argument, unexpected failures are masked."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest

from api.graphql_app import MAX_ALIASES, MAX_QUERY_DEPTH
from tests.conftest import SampleIndex
from tests.integration.search_support import Api, running_api

SEARCH = """query($f: CourseFilterInput, $near: NearInput, $first: Int!, $after: String,
                  $sort: CourseSort!) {
  searchCourses(filter: $f, near: $near, first: $first, after: $after, sort: $sort) {
    totalCount pageInfo { endCursor } } }"""


@pytest.fixture(scope="module")
async def dev_api(sample_index: SampleIndex) -> AsyncIterator[Api]:
    settings = dataclasses.replace(sample_index.settings, development=True)
    async with running_api(settings) as running:
        yield running


def _vars(**values: Any) -> dict[str, Any]:
    return {"f": None, "near": None, "first": 10, "after": None, "sort": "RELEVANCE", **values}


@pytest.mark.parametrize(("variables", "argument", "words"), [
    (_vars(f={"startDate": {"from": "2027-03-01", "to": "2027-02-01"}}), "filter.startDate",
     "after"),
    (_vars(f={"durationWeeks": {"min": 20, "max": 10}}), "filter.durationWeeks", "above"),
    (_vars(f={"durationWeeks": {"min": 0}}), "filter.durationWeeks", "weeks"),
    (_vars(f={"eligibleAtAge": -1}), "filter.eligibleAtAge", "from 0"),
    (_vars(near={"municipalityCode": "1280", "radiusKm": 0}), "near.radiusKm", "greater than 0"),
    (_vars(near={"municipalityCode": "1280", "radiusKm": -5}), "near.radiusKm", "greater than 0"),
    (_vars(near={"municipalityCode": "9999", "radiusKm": 10}), "near.municipalityCode",
     "municipality code"),
    (_vars(near={"radiusKm": 10}), "near", "exactly one"),
    (_vars(near={"point": {"lat": 91, "lon": 18}, "radiusKm": 10}), "near.point.lat", "-90"),
    (_vars(f={"municipalities": ["1280", "9999"]}), "filter.municipalities", "'9999'"),
    (_vars(f={"regions": ["99"]}), "filter.regions", "'99'"),
    (_vars(first=101), "first", "at most 100"),
    (_vars(first=-1), "first", "negative"),
    (_vars(after="not-a-cursor"), "after", "malformed cursor"),
    (_vars(after="YzE6MDAwMDAwMDAwMDAwOjU"), "after", "different search"),
    (_vars(sort="DISTANCE"), "sort", "near"),
])
async def test_bad_input_is_answered_naming_the_argument(
    api: Api, variables: dict[str, Any], argument: str, words: str
) -> None:
    errors = await api.errors(SEARCH, variables)
    assert len(errors) == 1
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}
    assert errors[0]["message"].startswith(f"Invalid argument '{argument}'")
    assert words in errors[0]["message"]


async def test_a_cursor_cannot_be_used_with_another_search(api: Api) -> None:
    data = await api.data(SEARCH, _vars(f={"paces": ["FULL_TIME"]}))
    cursor = data["searchCourses"]["pageInfo"]["endCursor"]
    assert (await api.data(SEARCH, _vars(f={"paces": ["FULL_TIME"]}, after=cursor)))
    errors = await api.errors(SEARCH, _vars(f={"paces": ["PART_TIME"]}, after=cursor))
    assert errors[0]["extensions"]["argument"] == "after"


@pytest.mark.parametrize(("query", "argument"), [
    ('{ course(id: "no spaces allowed") { id } }', "id"),
    ('{ provider(organisationNumber: "5560012402") { name } }', "organisationNumber"),
    ('{ facetValues(attribute: START_DATE, text: "20") { value } }', "attribute"),
    ('{ facetValues(attribute: PROVIDER, text: "a", first: 1000) { value } }', "first"),
    ('{ suggestions(prefix: "sv", first: 0) { text } }', "first"),
    ('{ municipalities(regionCodes: ["77"]) { code } }', "regionCodes"),
    ("{ facetLabels(attribute: DURATION_WEEKS) { value } }", "attribute"),
])
async def test_other_queries_name_the_argument(api: Api, query: str, argument: str) -> None:
    errors = await api.errors(query)
    assert errors[0]["extensions"]["argument"] == argument


async def test_malformed_variables_are_explained_not_masked(api: Api) -> None:
    errors = await api.errors(SEARCH, _vars(f={"startDate": {"from": "2027-13-01"}}))
    assert "startDate" in errors[0]["message"] and "Unexpected" not in errors[0]["message"]
    errors = await api.errors(SEARCH, _vars(sort="NEAREST"))
    assert "NEAREST" in errors[0]["message"]


def _nested(depth: int) -> str:
    """A query ``depth`` levels deep (valid up to the schema's deepest path, 9 levels)."""
    valid = ["provider(organisationNumber: \"556001-2402\")", "courses", "edges", "node",
             "location", "region", "municipalities", "centre"]
    names = [*valid, *["deeper"] * depth][:depth - 1]
    inner = "lat"
    for name in reversed(names):
        inner = f"{name} {{ {inner} }}"
    return f"{{ {inner} }}"


async def test_query_depth_is_limited(api: Api) -> None:
    assert "provider" in await api.data(_nested(9))
    errors = await api.errors(_nested(MAX_QUERY_DEPTH + 2))  # the leaf is not counted
    assert any("exceeds maximum operation depth" in e["message"] for e in errors)


async def test_aliases_are_limited(api: Api) -> None:
    ok = " ".join(f"a{i}: regions {{ code }}" for i in range(MAX_ALIASES))
    assert await api.data(f"{{ {ok} }}")
    too_many = " ".join(f"a{i}: regions {{ code }}" for i in range(MAX_ALIASES + 1))
    errors = await api.errors(f"{{ {too_many} }}")
    assert "aliases" in errors[0]["message"]


async def test_tokens_are_limited(api: Api) -> None:
    fields = " ".join(["code name nameEn"] * 700)
    errors = await api.errors(f"{{ regions {{ {fields} }} }}")
    assert "token" in errors[0]["message"].lower()


async def test_no_introspection_and_no_suggestions_outside_development(api: Api,
                                                                       dev_api: Api) -> None:
    errors = await api.errors("{ __schema { types { name } } }")
    assert "introspection" in errors[0]["message"].lower()
    errors = await api.errors("{ searchCourse { totalCount } }")
    assert "Did you mean" not in errors[0]["message"]
    assert (await dev_api.data("{ __schema { queryType { name } } }"))["__schema"]
    errors = await dev_api.errors("{ searchCourse { totalCount } }")
    assert "Did you mean" in errors[0]["message"]


async def test_unexpected_errors_are_masked(sample_index: SampleIndex) -> None:
    settings = dataclasses.replace(sample_index.settings, meili_index="no_such_index")
    async with running_api(settings) as api:
        errors = await api.errors("{ searchCourses { totalCount } }")
    assert errors[0]["message"] == "Unexpected error."
    assert errors[0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
