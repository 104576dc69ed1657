"""Hostile filter values against the real Meilisearch: they match literally, never widen.

A small index holds documents whose values look like filter syntax; the filter builders'
expressions must select exactly the document carrying the value, and a hostile value that
no document has must select nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from meilisearch import Client

from core.meili_client import meili_search_http
from core.search.attributes import Attribute
from core.search.filters import build_filter_plan, equals, one_of
from core.search.meili import MultiSearch
from core.search.model import CourseFilter
from core.settings import Settings
from indexer.tasks import wait_for_task
from tests.conftest import SampleIndex
from tests.integration.search_support import Api

HOSTILE = [
    'x" OR regionCode = "12',
    'x" OR isFree = true OR regionCode = "',
    "a\\",
    "a\\\\",
    "O'Brien",
    '\\" OR 1 = 1 OR "',
    '"',
    "\\",
    "12) OR (regionCode EXISTS",
    "regionCode IN [",
    "_geoRadius(59.3, 18.0, 1000000)",
    "Malmö ✓ \u200b",
    "NOT",
]
# Meilisearch does not index empty strings as facet values: "" matches nothing.
NEVER_WIDEN = [*HOSTILE, ""]


@pytest.fixture(scope="module")
def hostile_index(sample_index: SampleIndex) -> Iterator[str]:
    settings = sample_index.settings
    client = Client(settings.meili_url, settings.meili_master_key)
    uid = f"{settings.meili_index}_hostile"
    wait_for_task(client, client.create_index(uid, {"primaryKey": "id"}), 60)
    index = client.index(uid)
    wait_for_task(client, index.update_filterable_attributes(
        [str(Attribute.REGION_CODE), str(Attribute.LANGUAGES), str(Attribute.PROVIDER_ORG_NUMBER),
         str(Attribute.IS_FREE)]), 60)
    documents: list[dict[str, Any]] = [
        {"id": f"d{i}", "regionCode": value, "languages": [value, "sv"],
         "providerOrgNumber": value, "isFree": False}
        for i, value in enumerate(HOSTILE)
    ]
    documents.append({"id": "plain", "regionCode": "12", "languages": ["sv"],
                      "providerOrgNumber": "x", "isFree": True})
    wait_for_task(client, index.add_documents(documents), 60)
    yield uid
    wait_for_task(client, client.delete_index(uid), 60)


@pytest.fixture
async def run(sample_index: SampleIndex, hostile_index: str) -> AsyncIterator[MultiSearch]:
    settings: Settings = sample_index.settings
    client = meili_search_http(settings)
    try:
        yield MultiSearch(client, hostile_index)
    finally:
        await client.aclose()


async def _ids(run: MultiSearch, expression: str | None) -> set[str]:
    query: dict[str, Any] = {"q": "", "limit": 100}
    if expression is not None:
        query["filter"] = expression
    (result,) = await run([query])
    return {hit["id"] for hit in result["hits"]}


@pytest.mark.parametrize("position", range(len(HOSTILE)))
async def test_hostile_values_match_literally(run: MultiSearch, position: int) -> None:
    value = HOSTILE[position]
    wanted = {f"d{position}"}
    assert await _ids(run, equals(Attribute.REGION_CODE, value)) == wanted
    assert await _ids(run, one_of(Attribute.LANGUAGES, [value])) == wanted
    assert await _ids(run, one_of(Attribute.PROVIDER_ORG_NUMBER, [value, "nothing"])) == wanted


@pytest.mark.parametrize("value", NEVER_WIDEN)
async def test_hostile_values_through_the_filter_plan_never_widen(run: MultiSearch, value: str
                                                                  ) -> None:
    absent = value + "-absent"
    for course_filter in (
        CourseFilter(regions=(absent,)),
        CourseFilter(languages=(absent,)),
        CourseFilter(providers=(absent,)),
        CourseFilter(regions=(absent,), languages=(absent,), free_of_charge=True),
    ):
        plan = build_filter_plan(course_filter)
        assert await _ids(run, plan.expression()) == set()
        for facet in plan.selected():  # each disjunctive expression too
            narrowed = await _ids(run, plan.expression(without=facet))
            assert narrowed <= {"plain"} or narrowed == await _ids(run, None)


@pytest.mark.parametrize(("key", "argument"), [
    ("regions", "filter.regions"),
    ("municipalities", "filter.municipalities"),
    ("occupationFields", "filter.occupationFields"),
    ("occupations", "filter.occupations"),
    ("languages", "filter.languages"),
    ("providers", "filter.providers"),
])
async def test_the_api_refuses_hostile_values_naming_the_argument(api: Api, key: str,
                                                                  argument: str) -> None:
    before = len(api.meili_requests)
    for value in NEVER_WIDEN:
        errors = await api.errors(
            "query($f: CourseFilterInput) { searchCourses(filter: $f) { totalCount } }",
            {"f": {key: [value]}})
        assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}
        assert argument in errors[0]["message"]
    assert len(api.meili_requests) == before  # refused before reaching Meilisearch


async def test_hostile_query_text_is_only_text(api: Api) -> None:
    for value in NEVER_WIDEN:
        data = await api.data("query($q: String!) { searchCourses(query: $q) { totalCount } }",
                              {"q": value})
        assert data["searchCourses"]["totalCount"] >= 0
