"""Cost and size limits against the real app: refused before any work, on both paths."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import AsyncIterator

import pytest

from api.graphql_app import MAX_ALIASES
from api.search.compiled.endpoint import STATE_KEY
from api.search.compiled.executor import SearchExecutor
from tests.conftest import SampleIndex
from tests.integration.search_support import Api, running_api


def cycle(depth: int) -> str:
    """The query that took the API down: regions and municipalities nested ``depth`` deep."""
    inner = "code"
    names = ["regions", *["municipalities", "region"] * depth][:depth]
    for name in reversed(names):
        inner = f"{name} {{ {inner} }}"
    return f"{{ {inner} }}"


@pytest.mark.parametrize("depth", [5, 10])
async def test_the_deepest_cycle_the_depth_limit_allows_is_refused_at_once(
        api: Api, depth: int) -> None:
    """A functional bound: the refusal comes before any list is built (it used to take
    seconds at depth 5 and never end at depth 10)."""
    await api.post("{ regions { code } }")  # warm
    started = time.perf_counter()
    body = await api.post(cycle(depth))
    elapsed = time.perf_counter() - started
    assert body.get("data") is None and body["errors"]
    assert elapsed < 0.25, elapsed  # 50 ms on an idle machine; generous under load


async def test_a_costly_search_is_refused_before_meilisearch_is_asked(api: Api) -> None:
    facets = "facets { attribute values(first: 300) { value label count } }"
    node = "edges { highlights { title { fragments { text matched } } } node { id } }"
    one = f"searchCourses(query: $q, first: $first) {{ totalCount {facets} {node} }}"
    query = "query Wide($q: String!, $first: Int!) { " + " ".join(
        f"a{i}: {one}" for i in range(MAX_ALIASES)) + " }"
    asked = len(api.meili_requests)
    errors = await api.errors(query, {"q": "svets", "first": 1})
    assert len(api.meili_requests) == asked
    [error] = errors
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["maxCost"] == 500_000 < error["extensions"]["cost"]
    assert f"costs {error['extensions']['cost']}" in error["message"]
    assert "limit of 500000" in error["message"]
    # One alias is within the budget, and answered (by the compiled path the second time).
    single = "query One($q: String!, $first: Int!) { " + one + " }"
    executor: SearchExecutor = getattr(api.app.state, STATE_KEY)
    for _ in range(2):
        assert (await api.data(single, {"q": "svets", "first": 1}))["searchCourses"]
    assert executor.stats.compiled >= 1


@pytest.fixture(scope="module")
async def small_api(sample_index: SampleIndex) -> AsyncIterator[Api]:
    settings = dataclasses.replace(sample_index.settings, graphql_max_cost=450,
                                   graphql_max_response_bytes=4000)
    async with running_api(settings) as running:
        yield running


async def test_the_budget_is_the_setting(small_api: Api) -> None:
    assert (await small_api.data("{ regions { code name } }"))["regions"]  # costs 43
    # municipalities lists up to one country's: Norway's 357 kommuner.
    [error] = await small_api.errors("{ municipalities { code name } }")  # 715
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 715, "maxCost": 450}


SEARCH = """query Page($first: Int!) {  # costs 402
  searchCourses(first: $first) { edges { node { id title description } } } }"""


async def test_an_answer_over_the_size_cap_is_refused_on_both_paths(small_api: Api) -> None:
    executor: SearchExecutor = getattr(small_api.app.state, STATE_KEY)
    assert (await small_api.data(SEARCH, {"first": 1}))["searchCourses"]["edges"]
    compiled = executor.stats.compiled
    assert (await small_api.data(SEARCH, {"first": 1}))["searchCourses"]["edges"]
    assert executor.stats.compiled == compiled + 1  # the compiled path answers it now
    for _ in range(2):
        body = await small_api.post(SEARCH, {"first": 20})
        assert body == {"errors": [{
            "message": "The response would be larger than 4000 bytes; ask for fewer "
                       "results or fields.",
            "extensions": {"code": "RESPONSE_TOO_LARGE", "maxBytes": 4000}}]}
    assert executor.stats.compiled == compiled + 3
    regions = " ".join(f"{alias}: regions {{ code name nameEn }}" for alias in "abcd")
    body = await small_api.post("{ " + regions + " }")  # strawberry's path; costs 256
    assert body["errors"][0]["extensions"]["code"] == "RESPONSE_TOO_LARGE"
