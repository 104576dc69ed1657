"""Error hygiene's pure parts: bounded messages, codes, unusable text, and how a resolver's
errors are answered by a schema with the service's extensions."""

from __future__ import annotations

import logging

import pytest
import strawberry
from graphql import GraphQLError, parse

from api.graphql.errors import (
    QuietExecutionContext,
    bounded,
    error_code,
    error_hygiene,
    process_errors,
)
from api.graphql.strings import has_unencodable, unencodable, variables_error
from core.errors import InputError, ServiceUnavailable


def test_long_quoted_values_are_cut_and_short_ones_kept() -> None:
    long = "Variable '$n' has invalid value: Int cannot represent non-integer value: '" + (
        "x" * 300) + "'"
    assert bounded(long) == ("Variable '$n' has invalid value: Int cannot represent "
                             "non-integer value: '" + "x" * 37 + "…'")
    assert bounded('found "' + 'a\\"' * 50 + '".').count("a") < 20
    assert bounded("Unknown type 'Regoin'.") == "Unknown type 'Regoin'."
    assert len(bounded("y" * 10_000)) == 400


def test_unencodable_characters_are_escaped_in_messages() -> None:
    assert bounded("bad \ud800 and \0") == "bad \\ud800 and \\0"
    assert bounded("bad \ud800 and \0").encode("utf-8")


def test_unencodable_text() -> None:
    assert unencodable("Malmö 🙂") is None
    assert unencodable("a\0") == "a NUL character"
    assert unencodable("\udfff") == "a lone UTF-16 surrogate"
    assert has_unencodable({"f": {"regions": ["12", "1\0"]}})
    assert has_unencodable({"\ud800": 1})
    assert not has_unencodable({"f": {"regions": ["12"]}, "n": 5, "b": None})


@pytest.mark.parametrize(("query", "variables", "argument"), [
    ("query($q: String!) { suggestions(prefix: $q) { text } }", {"q": "\0"}, "prefix"),
    ("query($f: StudyVisitFilterInput) { studyVisits(filter: $f) { visit { id } } }",
     {"f": {"courseId": "\ud800"}}, "filter.courseId"),
    ("query($c: ID) { studyVisits(filter: {courseId: $c}) { visit { id } } }",
     {"c": "\0"}, "filter.courseId"),
    ("query($r: [String!]) { searchCourses(filter: {regions: $r}) { totalCount } }",
     {"r": ["12", "\0"]}, "filter.regions"),
])
def test_a_variable_is_reported_by_the_argument_it_feeds(
        query: str, variables: dict[str, object], argument: str) -> None:
    error = variables_error(parse(query), variables)
    assert error is not None
    assert error.extensions == {"code": "BAD_USER_INPUT", "argument": argument}
    assert variables_error(parse(query), {k: "ok" for k in variables}) is None


def test_codes_by_kind_of_error() -> None:
    assert error_code(GraphQLError("Cannot query field 'x' on type 'Query'.")) == (
        "GRAPHQL_VALIDATION_FAILED")
    assert error_code(GraphQLError("Variable '$x' got invalid value 1.")) == "BAD_USER_INPUT"
    unexpected = GraphQLError("boom", path=["a"], original_error=RuntimeError("boom"))
    assert error_code(unexpected) == "INTERNAL_SERVER_ERROR"
    outage = ServiceUnavailable("search")
    assert error_code(GraphQLError(str(outage), path=["a"], original_error=outage)) == (
        "SERVICE_UNAVAILABLE")
    bad = InputError("first", "too big")
    assert error_code(GraphQLError(str(bad), path=["a"], original_error=bad)) == (
        "BAD_USER_INPUT")


@strawberry.type
class Query:
    @strawberry.field
    def search(self) -> str:
        raise ServiceUnavailable("search")

    @strawberry.field
    def broken(self) -> str:
        raise RuntimeError("connect to 10.0.0.7:7700 refused")

    @strawberry.field
    def fine(self) -> str:
        return "ok"


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: object = None
                       ) -> None:
        process_errors(errors)


SCHEMA = Schema(query=Query, extensions=[error_hygiene(mask=True)],
                execution_context_class=QuietExecutionContext)


async def test_an_outage_is_answered_typed_and_unmasked_and_logged_without_traceback(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="api.graphql"):
        result = await SCHEMA.execute("{ search fine }")
    assert result.data is None
    [error] = result.errors or []
    assert error.message == "The search service is unavailable. Please try again shortly."
    assert error.extensions == {"code": "SERVICE_UNAVAILABLE", "dependency": "search"}
    [record] = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None


async def test_anything_else_is_masked_and_logged_once_with_its_traceback(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="api.graphql"):
        result = await SCHEMA.execute("{ broken }")
    [error] = result.errors or []
    assert error.message == "Unexpected error."
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR"}
    assert "10.0.0.7" not in str(error.formatted)
    [record] = caplog.records
    assert record.levelno == logging.ERROR and record.exc_info is not None
