"""Metric labels come from small fixed sets: GraphQL root fields, outcomes, job statuses."""

from __future__ import annotations

import pytest
from graphql import GraphQLError, parse

from api.metrics import graphql_outcome, root_field
from core.errors import InputError, ServiceUnavailable
from workers.metrics import email_outcome


@pytest.mark.parametrize(("query", "name", "expected"), [
    ("{ searchCourses { totalCount } }", None, "searchCourses"),
    ("{ a: searchCourses { totalCount } b: searchCourses { totalCount } }", None,
     "searchCourses"),
    ("{ regions { code } searchCourses { totalCount } }", None, "multiple"),
    ("query A { regions { code } } query B { course(id: 1) { id } }", "B", "course"),
    ("query A { regions { code } } query B { course(id: 1) { id } }", None, "invalid"),
    ("query A { regions { code } }", "Nope", "invalid"),
    ("{ ...F } fragment F on Query { regions { code } }", None, "invalid"),
])
def test_the_operation_label_is_a_root_field_name(query: str, name: str | None,
                                                  expected: str) -> None:
    assert root_field(parse(query), name) == expected


def test_a_document_that_did_not_parse_is_invalid() -> None:
    assert root_field(None, None) == "invalid"


def _error(original: Exception | None, path: list[str | int] | None = None) -> GraphQLError:
    return GraphQLError("x", path=path, original_error=original)


def test_the_worst_error_decides_the_outcome() -> None:
    assert graphql_outcome([]) == "ok"
    assert graphql_outcome([_error(None)]) == "client_error"  # syntax, validation
    assert graphql_outcome([_error(InputError("query", "too long"), ["a"])]) == "client_error"
    assert graphql_outcome([_error(ServiceUnavailable("search"), ["a"])]) == "unavailable"
    assert graphql_outcome([_error(RuntimeError("boom"), ["a"]),
                            _error(ServiceUnavailable("search"), ["b"])]) == "server_error"
    assert graphql_outcome([_error(ServiceUnavailable("search"), ["b"]),
                            _error(InputError("q", "x"), ["a"])]) == "unavailable"


@pytest.mark.parametrize(("status", "outcome"), [
    ("sent", "sent"), ("failed: data: smtp 554", "failed"), ("uncertain: data: TimeoutError",
                                                             "uncertain"),
    ("gone", "skipped"), ("not needed", "skipped"), ("already sent", "skipped"),
    ("claim lost", "skipped"),
])
def test_an_email_status_maps_to_an_outcome(status: str, outcome: str) -> None:
    assert email_outcome(status) == outcome
