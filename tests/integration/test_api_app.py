"""The application: probes, POST with JSON only, GraphiQL in development, CORS, and the hop
to Meilisearch (one request per API request, uncompressed)."""

from __future__ import annotations

import dataclasses

from core.settings import Settings
from devstack.processes import free_port
from tests.conftest import SampleIndex
from tests.integration.search_support import Api, running_api


async def test_probes(api: Api) -> None:
    health = await api.client.get("/healthz")
    assert (health.status_code, health.text) == (200, "ok")
    ready = await api.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"ready": True, "meilisearch": "ok", "redis": "ok"}


async def test_not_ready_without_meilisearch(sample_index: SampleIndex) -> None:
    settings = dataclasses.replace(sample_index.settings,
                                   meili_url=f"http://127.0.0.1:{free_port()}")
    async with running_api(settings) as api:
        ready = await api.client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["meilisearch"] == "unavailable"
        assert (await api.client.get("/healthz")).status_code == 200


async def test_queries_only_over_post_with_json(api: Api) -> None:
    get = await api.client.get("/graphql", params={"query": "{ regions { code } }"})
    assert get.status_code in (400, 404, 405)
    assert "regions" not in get.text
    form = await api.client.post("/graphql", data={"query": "{ regions { code } }"})
    assert form.status_code in (400, 415)
    ok = await api.client.post("/graphql", json={"query": "{ regions { code } }"})
    assert ok.status_code == 200 and len(ok.json()["data"]["regions"]) == 21


async def test_graphiql_only_in_development(api: Api, sample_index: SampleIndex) -> None:
    headers = {"Accept": "text/html"}
    page = await api.client.get("/graphql", headers=headers)
    assert "graphiql" not in page.text.lower()
    settings = dataclasses.replace(sample_index.settings, development=True)
    async with running_api(settings) as dev:
        page = await dev.client.get("/graphql", headers=headers)
        assert page.status_code == 200 and "graphiql" in page.text.lower()


async def test_cors_origins_come_from_settings(sample_index: SampleIndex) -> None:
    settings: Settings = dataclasses.replace(sample_index.settings,
                                             cors_origins=("https://jobb.example",))
    async with running_api(settings) as api:
        preflight = {"Origin": "https://jobb.example", "Access-Control-Request-Method": "POST",
                     "Access-Control-Request-Headers": "content-type"}
        allowed = await api.client.options("/graphql", headers=preflight)
        assert allowed.headers["access-control-allow-origin"] == "https://jobb.example"
        refused = await api.client.options(
            "/graphql", headers={**preflight, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in refused.headers
        # POST /graphql skips the router (CourseApi); CORS still applies, whether the
        # compiled search path or strawberry answers.
        search = {"query": "query S { searchCourses(first: 1) { totalCount } }"}
        for body in (search, search, {"query": "{ regions { code } }"}):
            for origin, allowed_origin in (("https://jobb.example", True),
                                           ("https://evil.example", False)):
                answer = await api.client.post("/graphql", json=body,
                                               headers={"Origin": origin})
                assert answer.status_code == 200 and answer.json()["data"]
                assert (answer.headers.get("access-control-allow-origin") == origin) \
                    is allowed_origin
        assert api.app.state.search_executor.stats.compiled >= 2


async def test_one_api_request_makes_one_meilisearch_request(api: Api) -> None:
    query = """{
      a: searchCourses(query: "svets", filter: {regions: ["12"], paces: [FULL_TIME]}) {
        totalCount facets { attribute } edges { node { id } } }
      b: searchCourses(near: {municipalityCode: "0180", radiusKm: 30}, sort: DISTANCE) {
        totalCount facets { attribute } }
      c: suggestions(prefix: "under") { text }
      d: facetValues(attribute: MUNICIPALITY, text: "lund") { value count }
      e: course(id: "0000000000-none") { id }
      regions { code }
    }"""
    before = len(api.meili_requests)
    data = await api.data(query)
    assert data["a"]["totalCount"] > 0 and data["e"] is None
    sent = api.meili_requests[before:]
    assert [r.url.path for r in sent] == ["/multi-search"]


async def test_meilisearch_is_asked_for_identity_encoding(api: Api) -> None:
    before = len(api.meili_responses)
    await api.data("{ searchCourses(first: 50) { facets { attribute } } }")
    response = api.meili_responses[before]
    assert response.request.headers["accept-encoding"] == "identity"
    assert "content-encoding" not in response.headers
