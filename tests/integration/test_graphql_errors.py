"""Error hygiene against the real app: bad text is bad input, no suggestions, short
messages, quiet logs, and masking that holds under concurrency."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.search.compiled.endpoint import STATE_KEY
from api.search.compiled.executor import SearchExecutor
from tests.conftest import SampleIndex
from tests.integration.search_support import Api, running_api
from tests.live_app import serve

SURROGATE = "\ud800"
NUL = "\0"

SEARCH = "query S($q: String!) { searchCourses(query: $q, first: 1) { totalCount } }"
SUGGEST = "query G($p: String!) { suggestions(prefix: $p) { text } }"
VISITS = "query V($f: StudyVisitFilterInput) { studyVisits(filter: $f) { visit { id } } }"
NEAR = ("query N($near: NearInput) { searchCourses(near: $near, first: 1) { totalCount } }")


async def raw_post(api: Api, body: str) -> dict[str, Any]:
    """``body`` as sent (json.dumps writes a lone surrogate as the escape ``\\ud800``)."""
    response = await api.client.post("/graphql", content=body.encode("utf-8"),
                                      headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


@pytest.mark.parametrize("bad", [SURROGATE, NUL])
@pytest.mark.parametrize(("query", "variables", "argument"), [
    (SEARCH, lambda bad: {"q": f"svets{bad}"}, "query"),
    (SUGGEST, lambda bad: {"p": bad}, "prefix"),
    (VISITS, lambda bad: {"f": {"courseId": f"x{bad}"}}, "filter.courseId"),
    (NEAR, lambda bad: {"near": {"radiusKm": 5, "municipalityCode": bad}},
     "near.municipalityCode"),
])
async def test_unencodable_text_in_a_variable_is_bad_input_naming_the_argument(
        api: Api, query: str, variables: Any, argument: str, bad: str) -> None:
    for _ in range(2):  # the second time, search documents are the compiled path's
        body = await raw_post(api, json.dumps({"query": query, "variables": variables(bad)}))
        [error] = body["errors"]
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}
        assert error["message"].startswith(f"Invalid argument '{argument}': contains ")
        assert body.get("data") is None


@pytest.mark.parametrize(("query", "argument"), [
    ('{ searchCourses(query: "a\\u0000b") { totalCount } }', "query"),
    ('{ suggestions(prefix: "\\u0000") { text } }', "prefix"),
    ('{ studyVisits(filter: {courseId: "x\\u0000"}) { visit { id } } }', "filter.courseId"),
    ('{ searchCourses(filter: {providers: ["a", "\\u0000"]}) { totalCount } }',
     "filter.providers"),
    ('query($c: ID = "x\\u0000") { studyVisits(filter: {courseId: $c}) { visit { id } } }',
     "filter.courseId"),  # a variable's default
])
async def test_nul_in_a_literal_is_bad_input_naming_the_argument(
        api: Api, query: str, argument: str) -> None:
    [error] = await api.errors(query)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}


async def test_a_lone_surrogate_in_a_literal_is_a_syntax_error(api: Api) -> None:
    """GraphQL's grammar has no lone surrogates, so the document itself is malformed."""
    body = await raw_post(api, json.dumps(
        {"query": '{ suggestions(prefix: "a' + SURROGATE + '") { text } }'}))
    [error] = body["errors"]
    assert error["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}
    assert "U+D800" in error["message"]


SUGGESTING = [  # each gives graphql-core's "Did you mean …?" unless suggestions are hidden
    ("{ searchCourse { totalCount } }", None),  # field
    ('{ searchCourses(qurey: "x") { totalCount } }', None),  # argument
    ("{ searchCourses(sort: RELEVANS) { totalCount } }", None),  # enum value
    ("query($s: CourseSort!) { searchCourses(sort: $s) { totalCount } }",
     {"s": "RELEVANS"}),  # enum value in a variable
    ('{ searchCourses(filter: {region: ["12"]}) { totalCount } }', None),  # input field
    ("query($f: CourseFilterInput) { searchCourses(filter: $f) { totalCount } }",
     {"f": {"region": ["12"]}}),  # input field in a variable
    ("query($f: CourseFiltreInput) { searchCourses(filter: $f) { totalCount } }", None),  # type
    ("{ regions { ...R } } fragment R on Regoin { code }", None),  # fragment type
]


@pytest.fixture(scope="module")
async def dev_api(sample_index: SampleIndex) -> AsyncIterator[Api]:
    settings = dataclasses.replace(sample_index.settings, development=True)
    async with running_api(settings) as running:
        yield running


@pytest.mark.parametrize(("query", "variables"), SUGGESTING)
async def test_no_suggestions_outside_development(api: Api, dev_api: Api, query: str,
                                                  variables: dict[str, Any] | None) -> None:
    assert any("Did you mean" in e["message"] for e in await dev_api.errors(query, variables))
    errors = await api.errors(query, variables)
    assert not any("Did you mean" in e["message"] for e in errors)
    assert all(e["extensions"]["code"] in ("GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT")
               for e in errors)


@pytest.mark.parametrize(("query", "variables"), [
    ("query($n: Int!) { suggestions(prefix: \"sv\", first: $n) { text } }", {"n": "x" * 40_000}),
    ("query($f: CourseFilterInput) { searchCourses(filter: $f) { totalCount } }",
     {"f": {"regions": ["x" * 40_000]}}),
    ("query($f: CourseFilterInput) { searchCourses(filter: $f) { totalCount } }",
     {"f": {"eligibleAtAge": "y" * 40_000}}),
    ('{ suggestions(prefix: "sv", first: "' + "z" * 40_000 + '") { text } }', None),
])
async def test_a_long_value_is_never_echoed_nor_logged(
        api: Api, caplog: pytest.LogCaptureFixture, query: str,
        variables: dict[str, Any] | None) -> None:
    with caplog.at_level(logging.DEBUG):
        body = await api.post(query, variables)
    assert body["errors"]
    for error in body["errors"]:
        assert len(error["message"]) < 400
        for letter in "xyz":
            assert letter * 41 not in error["message"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "x" * 41 not in logged and "y" * 41 not in logged and "z" * 41 not in logged


async def test_an_unknown_operation_name_is_not_echoed_at_length(api: Api) -> None:
    name = "Op" + "n" * 40_000 + SURROGATE
    response = await api.client.post("/graphql", content=json.dumps(
        {"query": "query A { regions { code } }", "operationName": name}).encode(),
        headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "n" * 41 not in response.text and len(response.text) < 400


async def test_client_errors_are_one_info_line_without_the_value(
        api: Api, caplog: pytest.LogCaptureFixture) -> None:
    requests = [
        ("{ searchCourses(first: 1 { totalCount } }", None, "GRAPHQL_PARSE_FAILED"),
        ("{ searchCourse { totalCount } }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query($f: CourseFilterInput) { searchCourses(filter: $f) { totalCount } }",
         {"f": {"regions": ["jane.doe@example.com"]}}, "BAD_USER_INPUT"),
        ('{ suggestions(prefix: "jane.doe@example.com", first: 0) { text } }', None,
         "BAD_USER_INPUT"),
    ]
    for query, variables, code in requests:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="api"):
            [error] = await api.errors(query, variables)
        assert error["extensions"]["code"] == code
        [record] = [r for r in caplog.records if r.name == "api.graphql"]
        assert record.levelno == logging.INFO and record.exc_info is None
        assert code in record.getMessage() and "jane" not in record.getMessage()
        assert "\n" not in record.getMessage()


WRONG_ANSWER = b'{"results": 42, "hits": 42, "numberOfDocuments": 42}'


@contextlib.asynccontextmanager
async def wrong_answers(settings: Any) -> AsyncIterator[Any]:
    """Settings whose "Meilisearch" is a real HTTP server on loopback that answers every
    request 200 with a body of the wrong shape: the service then fails in a way nothing
    expects (a dependency that answers is no outage), which must be masked."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while await reader.readuntil(b"\r\n\r\n"):
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(WRONG_ANSWER),
                                                                   WRONG_ANSWER))
                await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield dataclasses.replace(settings, meili_url=f"http://127.0.0.1:{port}")
    finally:
        server.close()


async def test_an_unexpected_error_is_masked_and_logged_once_with_its_traceback(
        sample_index: SampleIndex, caplog: pytest.LogCaptureFixture) -> None:
    async with wrong_answers(sample_index.settings) as settings, running_api(settings) as api:
        with caplog.at_level(logging.DEBUG, logger="api"):
            [error] = await api.errors('{ course(id: "5560012402-abc") { id } }')
    assert error == {"message": "Unexpected error.", "locations": [{"line": 1, "column": 3}],
                     "path": ["course"], "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
    [record] = [r for r in caplog.records if r.name == "api.graphql"]
    assert record.levelno == logging.ERROR and record.exc_info is not None


async def test_masking_holds_for_32_concurrent_failing_requests(
        sample_index: SampleIndex) -> None:
    queries = ['{ course(id: "5560012402-c%d") { id title } }',
               '{ suggestions(prefix: "sv%d") { text } }',
               '{ searchCourses(query: "svets %d") { totalCount } }']
    async with wrong_answers(sample_index.settings) as settings:
        port = settings.meili_url.rsplit(":", 1)[1]
        with serve(settings) as url:
            async with httpx.AsyncClient(base_url=url, timeout=60) as client:
                responses = await asyncio.gather(*[
                    client.post("/graphql", json={"query": queries[i % 3] % i})
                    for i in range(32)])
    errors = [e for r in responses for e in r.json()["errors"]]
    assert len(errors) == 32
    unmasked = [e["message"] for e in errors if e["message"] != "Unexpected error."]
    assert unmasked == []
    assert not any(port in r.text or "127.0.0.1" in r.text for r in responses)
    assert all(e.get("extensions") == {"code": "INTERNAL_SERVER_ERROR"} for e in errors)


async def test_the_compiled_path_hands_bad_text_to_strawberry(api: Api) -> None:
    executor: SearchExecutor = getattr(api.app.state, STATE_KEY)
    assert (await api.data(SEARCH, {"q": "svets"}))["searchCourses"]
    before = executor.stats.by_reason.get("text", 0)
    await raw_post(api, json.dumps({"query": SEARCH, "variables": {"q": NUL}}))
    assert executor.stats.by_reason.get("text", 0) == before + 1
