"""Differential tests: the compiled search path answers exactly as graphql-core does.

Every query runs through an app without the compiled path (plain strawberry/graphql-core
execution) and through one with it (cache off, so that each answer is computed); the
response bodies must be byte-for-byte equal, and the compiled path must have answered
(the first request of a document goes to strawberry, which registers it).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from api.search.compiled.executor import SearchExecutor
from core.search.attributes import Facet
from tests.conftest import SampleIndex
from tests.integration.search_support import Api, running_api

COURSE_ALL = """
fragment Place on Municipality { code name regionCode centre { lat lon __typename } }
fragment CourseAll on Course {
  __typename id providerCourseId title titleEn description descriptionEn
  occupation { code name nameEn }
  occupationField { id name nameEn }
  programmeType
  location {
    municipality { ...Place }
    region { code name nameEn municipalities { code name } }
    address { street postalCode city }
    coordinates { lat lon }
    coordinatesApproximate
  }
  intake { type startDate endDate durationWeeks }
  pace { type percent }
  schedule delivery isDistance languages
  eligibility { minimumAge requirements requirementsEn }
  certificate
  participationFee { amount currency note }
  freeOfCharge places supervisors
  contact { name email phone }
  url
  provider { organisationNumber name }
  studyVisits { id start end durationMinutes capacity seatsLeft
                address { street postalCode city } }
}
"""

HIGHLIGHT = "{ text html fragments { text matched __typename } }"

EVERYTHING = COURSE_ALL + f"""
query Everything($query: String!, $filter: CourseFilterInput, $near: NearInput,
                 $sort: CourseSort!, $first: Int!, $after: String,
                 $facets: [FacetAttribute!], $language: Language!, $n: Int!) {{
  __typename
  searchCourses(query: $query, filter: $filter, near: $near, sort: $sort, first: $first,
                after: $after, facets: $facets, language: $language) {{
    __typename
    totalCount
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
    edges {{
      cursor distanceKm
      highlights {{ title {HIGHLIGHT} titleEn {HIGHLIGHT} description {HIGHLIGHT}
                    descriptionEn {HIGHLIGHT} }}
      node {{ ...CourseAll }}
    }}
    facets {{ attribute min max minDate maxDate
              values(first: $n) {{ value label count selected }}
              few: values(first: 2) {{ value count }} }}
  }}
}}
"""

CARD = """
query Card($q: String!, $f: CourseFilterInput, $withFacets: Boolean!, $noHits: Boolean!) {
  list: searchCourses(query: $q, filter: $f, first: 7) {
    total: totalCount
    facets @include(if: $withFacets) { attribute values { value label count selected } }
    edges @skip(if: $noHits) {
      ... on CourseEdge { c: cursor }
      node { id title t: title ...Loc provider { name } intake { startDate } }
      node { location { region { name } } }
    }
    pageInfo { ... @include(if: $withFacets) { endCursor } hasNextPage }
  }
  second: searchCourses(query: $q, sort: START_DATE_DESC, first: 3) {
    edges { node { id intake { startDate } } }
  }
}
fragment Loc on Course { location { municipality { name } } }
"""

TWO_OPERATIONS = """
query A { searchCourses(first: 2) { totalCount } }
query B($q: String!) { searchCourses(query: $q, first: 2) { edges { node { id } } } }
"""

HIGHLIGHTS = """
query Highlights($q: String!) {
  some: searchCourses(query: $q, first: 5) {
    edges { highlights { titleEn { html } description { text } } node { id } }
  }
  none: searchCourses(query: $q, first: 5) { edges { highlights { __typename } } }
}
"""

UNDERSTOOD = """
query Understood($q: String!, $interpret: Boolean!) {
  searchCourses(query: $q, first: 5, interpretPlace: $interpret) {
    totalCount
    interpretedPlace { __typename kind code name nameEn matchedText query }
    relaxation { kind occupationCodes words regionCode }
    didYouMean
    edges { node { id location { municipality { code } } } }
  }
}
"""

CASES: list[tuple[str, str | None, dict[str, Any]]] = [
    (EVERYTHING, None, {"query": "", "sort": "RELEVANCE", "first": 20, "language": "SV",
                        "n": 50}),
    (EVERYTHING, None, {"query": "svetsare", "sort": "RELEVANCE", "first": 10,
                        "language": "EN", "n": 3}),
    (EVERYTHING, None, {"query": "undersköterska", "filter": {
        "regions": ["12", "01"], "paces": ["FULL_TIME"], "programmeTypes": ["WORK_TRAINING"],
        "deliveries": ["ON_SITE", "DISTANCE"], "hasUpcomingStudyVisits": True,
        "freeOfCharge": False, "durationWeeks": {"min": 2, "max": 40},
        "startDate": {"from": "2020-01-01"}, "eligibleAtAge": 30, "languages": ["sv"]},
        "sort": "START_DATE_ASC", "first": 15, "language": "SV", "n": 0}),
    (EVERYTHING, None, {"query": "", "near": {"municipalityCode": "1280", "radiusKm": 80},
                        "sort": "DISTANCE", "first": 30, "language": "SV", "n": 300,
                        "facets": ["REGION", "START_DATE", "HAS_UPCOMING_STUDY_VISITS",
                                   "DURATION_WEEKS", "PACE"]}),
    (EVERYTHING, None, {"query": "kock", "near": {"point": {"lat": 59.33, "lon": 18.06},
                                                  "radiusKm": 500},
                        "sort": "DURATION_DESC", "first": 5, "language": "EN", "n": 1,
                        "filter": {"schedules": ["EVENING"], "distanceCourses": "ANYWHERE"}}),
    (CARD, None, {"q": "lager", "withFacets": True, "noHits": False,
                  "f": {"regions": ["14"]}}),
    (CARD, None, {"q": "lager", "withFacets": False, "noHits": False}),
    (CARD, None, {"q": "", "withFacets": True, "noHits": True}),
    (HIGHLIGHTS, None, {"q": "svetsare"}),
    (TWO_OPERATIONS, "B", {"q": "elektriker"}),
    (TWO_OPERATIONS, "A", {}),
    (UNDERSTOOD, None, {"q": "Stockholm", "interpret": True}),
    (UNDERSTOOD, None, {"q": "svetsare Malmö", "interpret": False}),
    (UNDERSTOOD, None, {"q": "Västra Götaland", "interpret": True}),
    (UNDERSTOOD, None, {"q": "qqqqzz", "interpret": True}),
]


# One app of each kind per module: every test compares counters before and after its own
# requests, and the index is only read.
@pytest.fixture(scope="module")
async def plain(sample_index: SampleIndex) -> AsyncIterator[Api]:
    async with running_api(sample_index.settings, compiled_search=False) as api:
        yield api


@pytest.fixture(scope="module")
async def compiled(sample_index: SampleIndex) -> AsyncIterator[Api]:
    settings = dataclasses.replace(sample_index.settings, search_cache_size=0)
    async with running_api(settings) as api:
        yield api


async def _body(api: Api, query: str, name: str | None, variables: dict[str, Any]) -> bytes:
    payload: dict[str, Any] = {"query": query, "variables": variables}
    if name is not None:
        payload["operationName"] = name
    response = await api.client.post("/graphql", content=orjson.dumps(payload),
                                     headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    return response.content


def _executor(api: Api) -> SearchExecutor:
    executor: SearchExecutor = api.app.state.search_executor
    return executor


@pytest.mark.parametrize("case", range(len(CASES)))
async def test_the_compiled_path_answers_as_graphql_core(plain: Api, compiled: Api,
                                                         case: int) -> None:
    query, name, variables = CASES[case]
    await _body(compiled, query, name, variables)  # strawberry validates and registers it
    before = _executor(compiled).stats.compiled
    fast = await _body(compiled, query, name, variables)
    assert _executor(compiled).stats.compiled == before + 1, _executor(compiled).stats
    expected = await _body(plain, query, name, variables)
    assert "errors" not in orjson.loads(expected)
    assert fast == expected


async def test_paging_with_cursors_is_identical(plain: Api, compiled: Api) -> None:
    variables: dict[str, Any] = {"query": "", "sort": "START_DATE_ASC", "first": 7,
                                 "language": "SV", "n": 5}
    await _body(compiled, EVERYTHING, None, variables)
    for _ in range(4):
        fast = await _body(compiled, EVERYTHING, None, variables)
        assert fast == await _body(plain, EVERYTHING, None, variables)
        variables["after"] = orjson.loads(fast)["data"]["searchCourses"]["pageInfo"]["endCursor"]


@pytest.mark.parametrize("variables", [
    {"query": "", "sort": "RELEVANCE", "first": 1000, "language": "SV", "n": 5},  # page size
    {"query": "", "sort": "RELEVANCE", "first": 5, "language": "SV", "n": 301},  # facet values
    {"query": "", "sort": "RELEVANCE", "first": 5, "language": "SV", "n": 5,
     "after": "bm90LWEtY3Vyc29y"},  # a cursor of no search
    {"query": "", "sort": "NOT_A_SORT", "first": 5, "language": "SV", "n": 5},  # variables
    {"query": "", "sort": "DISTANCE", "first": 5, "language": "SV", "n": 5},  # no near
    {"query": "", "sort": "RELEVANCE", "first": 5, "language": "SV", "n": 5,
     "filter": {"regions": ["99"]}},  # unknown region
])
async def test_errors_are_graphql_core_s(plain: Api, compiled: Api,
                                         variables: dict[str, Any]) -> None:
    await _body(compiled, EVERYTHING, None, {"query": "", "sort": "RELEVANCE", "first": 1,
                                             "language": "SV", "n": 1})
    before = _executor(compiled).stats.fallbacks
    fast = await _body(compiled, EVERYTHING, None, variables)
    expected = await _body(plain, EVERYTHING, None, variables)
    assert orjson.loads(expected).get("errors")
    assert fast == expected
    assert _executor(compiled).stats.fallbacks == before + 1


async def test_other_operations_are_left_to_strawberry(compiled: Api) -> None:
    query = "{ searchCourses(first: 1) { totalCount } regions { code } }"
    before = _executor(compiled).stats.compiled
    for _ in range(2):
        data = await compiled.data(query)
        assert data["searchCourses"]["totalCount"] > 0 and data["regions"]
    assert _executor(compiled).stats.compiled == before


async def test_named_fragments_fetch_what_they_select(compiled: Api, plain: Api) -> None:
    query = """query { searchCourses(first: 3) { ...Page } }
               fragment Page on CourseConnection { facets { attribute }
                                                   edges { node { ...Card } } }
               fragment Card on Course { title provider { name } }"""
    for api in (plain, compiled, compiled):
        data = (await api.data(query))["searchCourses"]
        assert len(data["facets"]) == len(Facet)  # every facet by default
        assert all(e["node"]["title"] and e["node"]["provider"]["name"] for e in data["edges"])


@pytest.mark.parametrize("n", [0, 1, 2, 7, 50, 300])
async def test_facet_values_cut_short_keep_the_order_and_the_selected_ones(
        plain: Api, compiled: Api, sample_index: SampleIndex, n: int) -> None:
    providers = Counter(feed["provider"]["organisationNumber"] for feed in sample_index.feeds
                        for _ in feed["courses"])
    rare = [org for org, _ in providers.most_common()[-2:]]
    variables = {"query": "", "sort": "RELEVANCE", "first": 5, "language": "SV", "n": n,
                 "filter": {"providers": rare, "municipalities": ["0114"]}}
    await _body(compiled, EVERYTHING, None, variables)
    before = _executor(compiled).stats.compiled
    fast = await _body(compiled, EVERYTHING, None, variables)
    assert _executor(compiled).stats.compiled == before + 1
    expected = await _body(plain, EVERYTHING, None, variables)
    assert fast == expected
    facets = {f["attribute"]: f for f in orjson.loads(fast)["data"]["searchCourses"]["facets"]}
    assert set(rare) <= {v["value"] for v in facets["PROVIDER"]["values"]}


async def test_only_the_selected_highlights_and_attributes_are_asked_for(
        plain: Api, compiled: Api) -> None:
    for api in (plain, compiled, compiled):
        before = len(api.meili_requests)
        data = await api.data(HIGHLIGHTS, {"q": "svetsare"})
        (sent,) = api.meili_requests[before:]
        some, none = orjson.loads(sent.content)["queries"]
        assert some["attributesToHighlight"] == ["titleEn", "description"]
        assert some["attributesToCrop"] == ["description"]
        assert some["attributesToRetrieve"] == ["id"]
        # Only something highlighted makes Meilisearch send the highlighted copy.
        assert none["attributesToHighlight"] == ["title"] and "attributesToCrop" not in none
        assert data["some"]["edges"] and all(
            e["highlights"]["description"]["text"] for e in data["some"]["edges"])
        assert data["none"]["edges"] and all(
            e["highlights"] == {"__typename": "CourseHighlights"} for e in data["none"]["edges"])


@pytest.mark.parametrize(("text", "kind"), [("gaffeltruck", "OCCUPATIONS"),
                                            ("svetsare i Bjurholm", "WIDER_PLACE")])
async def test_a_dead_end_is_relaxed_in_the_compiled_path_with_graphql_core_s_answer(
        plain: Api, compiled: Api, text: str, kind: str) -> None:
    variables = {"q": text, "interpret": True}
    await _body(compiled, UNDERSTOOD, None, variables)  # strawberry registers the document
    stats = _executor(compiled).stats
    answered, handed_over = stats.compiled, stats.fallbacks
    before = len(compiled.meili_requests)
    fast = await _body(compiled, UNDERSTOOD, None, variables)
    assert (stats.compiled, stats.fallbacks) == (answered + 1, handed_over)
    # The search, then its relaxed search: two requests, not the three of a hand-over to
    # graphql-core, which sends two of its own as well.
    assert len(compiled.meili_requests) - before == 2
    before = len(plain.meili_requests)
    assert fast == await _body(plain, UNDERSTOOD, None, variables)
    assert len(plain.meili_requests) - before == 2
    assert orjson.loads(fast)["data"]["searchCourses"]["relaxation"]["kind"] == kind


async def test_a_dead_end_with_nothing_to_relax_to_has_graphql_core_s_did_you_mean(
        plain: Api, compiled: Api) -> None:
    # "tekniker" without its first letter: the end of the job titles of more occupations
    # than a relaxed search may take, and no typo Meilisearch forgives.
    variables = {"q": "ekniker", "interpret": True}
    await _body(compiled, UNDERSTOOD, None, variables)
    before = _executor(compiled).stats.compiled
    fast = await _body(compiled, UNDERSTOOD, None, variables)
    assert _executor(compiled).stats.compiled == before + 1
    assert fast == await _body(plain, UNDERSTOOD, None, variables)
    result = orjson.loads(fast)["data"]["searchCourses"]
    assert (result["totalCount"], result["relaxation"]) == (0, None)
    assert "eltekniker" in result["didYouMean"]


LOAD_MORE = """
query LoadMore($q: String!, $f: CourseFilterInput, $after: String, $withFacets: Boolean!) {
  searchCourses(query: $q, filter: $f, first: 5, after: $after, facets: [REGION, PACE]) {
    totalCount
    facets @include(if: $withFacets) { attribute values { value count } }
    edges { node { id title @skip(if: $withFacets) } }
  }
}
"""


@pytest.mark.parametrize("with_facets", [True, False])
async def test_fields_left_out_by_a_directive_are_not_asked_for(
        plain: Api, compiled: Api, with_facets: bool) -> None:
    variables = {"q": "", "f": {"regions": ["01"]}, "withFacets": with_facets}
    for api in (plain, compiled, compiled):
        before = len(api.meili_requests)
        data = (await api.data(LOAD_MORE, variables))["searchCourses"]
        (sent,) = api.meili_requests[before:]
        main, *counts = orjson.loads(sent.content)["queries"]
        assert data["edges"]
        if with_facets:  # pace in the main query, region in its own count query
            assert main["facets"] == ["pace"] and len(counts) == 1
            assert main["attributesToRetrieve"] == ["id"]
            assert [f["attribute"] for f in data["facets"]] == ["REGION", "PACE"]
        else:  # a "load more": no facet counted, the title fetched
            assert "facets" not in main and counts == []
            assert sorted(main["attributesToRetrieve"]) == ["id", "title"]
            assert "facets" not in data and all(e["node"]["title"] for e in data["edges"])
