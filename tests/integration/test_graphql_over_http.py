"""GraphQL over HTTP (graphql.github.io/graphql-over-http) on the production-mode API under
uvicorn: media types negotiated and matched exactly, status codes and the ``data`` entry
by media type, request-level errors in JSON, on the compiled search path and strawberry's
alike; the client address behind proxies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.http.media import GRAPHQL_RESPONSE
from tests.conftest import SampleIndex
from tests.live_app import serve

SEARCH = '{ searchCourses(query: "svetsare", first: 2) { totalCount } }'
REGIONS = "{ regions { code } }"
JSON_BODY = {"Content-Type": "application/json"}
NEW = {**JSON_BODY, "Accept": GRAPHQL_RESPONSE}


@pytest.fixture(scope="module")
def url(sample_index: SampleIndex) -> Iterator[str]:
    with serve(sample_index.settings) as base:
        yield f"{base}/graphql"


def _post(url: str, body: Any = None, content: bytes | None = None,
          headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(url, json=body, content=content, headers=headers or JSON_BODY, timeout=20)


def _request_error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(("application/json", GRAPHQL_RESPONSE))
    body = response.json()
    assert list(body) == ["errors"] and len(body["errors"]) == 1
    assert body["errors"][0]["extensions"] == {"code": code}
    message: str = body["errors"][0]["message"]
    return message


@pytest.mark.parametrize("query", [SEARCH, REGIONS])  # compiled path and strawberry
def test_graphql_response_json_is_negotiated(url: str, query: str) -> None:
    for _ in range(2):  # the first request of a search compiles it, the second is compiled
        response = _post(url, {"query": query}, headers=NEW)
        assert response.status_code == 200
        assert response.headers["content-type"] == GRAPHQL_RESPONSE
        assert response.json()["data"]
    preferred = {**JSON_BODY, "Accept": f"application/json;q=0.9, {GRAPHQL_RESPONSE}"}
    assert _post(url, {"query": query}, headers=preferred).headers["content-type"] == \
        GRAPHQL_RESPONSE


@pytest.mark.parametrize("accept", [None, "*/*", "application/json",
                                    f"application/*, {GRAPHQL_RESPONSE};q=0.5"])
def test_application_json_stays_the_answer_for_older_clients(url: str, accept: str | None
                                                             ) -> None:
    headers = {**JSON_BODY, **({"Accept": accept} if accept else {})}
    for query in (SEARCH, SEARCH, REGIONS):
        response = _post(url, {"query": query}, headers=headers)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"


def test_a_client_accepting_neither_type_gets_406(url: str) -> None:
    for query in (SEARCH, REGIONS):
        response = _post(url, {"query": query}, headers={**JSON_BODY, "Accept": "text/html"})
        _request_error(response, 406, "NOT_ACCEPTABLE")


@pytest.mark.parametrize("content_type", ["APPLICATION/JSON", "Application/Json; Charset=UTF-8",
                                          "application/json; charset=utf-8"])
def test_json_media_types_are_matched_case_insensitively(url: str, content_type: str) -> None:
    for query in (SEARCH, SEARCH, REGIONS):
        response = _post(url, {"query": query}, headers={"Content-Type": content_type})
        assert response.status_code == 200, response.text
        assert response.json()["data"]


@pytest.mark.parametrize("content_type", ["application/jsonx", "text/json",
                                          "application/json; charset=latin-1", "text/plain"])
def test_other_media_types_are_refused_with_415(url: str, content_type: str) -> None:
    for query in (SEARCH, REGIONS):
        response = _post(url, {"query": query}, headers={"Content-Type": content_type})
        message = _request_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
        assert "application/json" in message


@pytest.mark.parametrize("query", ["{ regions { code }", "{ noSuchField }",
                                   "query($n: Int!) { regions { code } }"])
def test_failures_before_execution_have_no_data_entry(url: str, query: str) -> None:
    new = _post(url, {"query": query}, headers=NEW)
    assert new.status_code == 400
    assert new.headers["content-type"] == GRAPHQL_RESPONSE
    assert list(new.json()) == ["errors"]
    old = _post(url, {"query": query})
    assert old.status_code == 200
    assert list(old.json()) == ["errors"]


def test_execution_errors_keep_their_data_and_200(url: str) -> None:
    response = _post(url, {"query": '{ course(id: "no spaces allowed") { id } }'}, headers=NEW)
    assert response.status_code == 200
    body = response.json()
    assert "data" in body and body["errors"][0]["extensions"]["argument"] == "id"


@pytest.mark.parametrize(("body", "status", "code"), [
    (b"{not json", 400, "BAD_REQUEST"),
    (b"", 400, "BAD_REQUEST"),
    (b'{"variables": {}}', 400, "BAD_REQUEST"),
    (b'{"query": 1}', 400, "BAD_REQUEST"),
    (b'{"query": "{ regions { code } }", "variables": "x"}', 400, "BAD_REQUEST"),
    (b'[{"query": "{ regions { code } }"}]', 400, "BAD_REQUEST"),
])
def test_request_level_errors_are_json(url: str, body: bytes, status: int, code: str) -> None:
    for headers in (JSON_BODY, NEW):
        response = _post(url, content=body, headers=headers)
        _request_error(response, status, code)
        assert response.headers["content-type"] == headers.get("Accept", "application/json")


def test_wrong_methods_are_answered_405_in_json(url: str) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        response = httpx.request(method, url, json={"query": REGIONS}, timeout=20)
        _request_error(response, 405, "METHOD_NOT_ALLOWED")
        assert response.headers["allow"] == "GET, POST"


def test_queries_over_get_are_refused_in_json(url: str) -> None:
    response = httpx.get(url, params={"query": REGIONS}, timeout=20)
    assert response.status_code == 400
    assert list(response.json()) == ["errors"]
    assert "regions" not in response.text
