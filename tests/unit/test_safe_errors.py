"""GraphQL error messages bounded, logs without the client's values."""

from __future__ import annotations

import logging
import re

import pytest
from graphql import GraphQLError
from strawberry.schema.exceptions import CannotGetOperationTypeError

from api.graphql_app import build_schema
from api.safe_errors import MAX_ECHO, MAX_MESSAGE, bounded_message, log_error, message_kind

MARK = "Zq"  # a value's characters, found nowhere in the schema or a message of its own
REGISTER = """mutation R($input: RegisterForStudyVisitInput!) {
  registerForStudyVisit(input: $input) { errors { code } } }"""
VALID = {"visitId": "5590123450-KURS1~SB1", "name": "Ann Andersson", "email": "a@b.se",
         "language": "SV", "consent": True}


def longest_echo(text: str) -> int:
    """The longest run of the marked value in ``text``."""
    return max((len(m) for m in re.findall(f"(?:{MARK})+", text)), default=0)


@pytest.mark.parametrize("message", [
    "Syntax Error: Unterminated string.",
    "Variable '$input' has invalid value at .language: Value 'XX' does not exist in "
    "'Language' enum.",
    "Cannot query field 'titel' on type 'Course'. Did you mean 'title'?",
    "Invalid argument 'first': must be from 1 to 100",
])
def test_ordinary_messages_are_unchanged(message: str) -> None:
    assert bounded_message(message) == message


def test_a_quoted_value_keeps_its_first_characters_and_both_quotes() -> None:
    value = MARK * 50_000
    for quote in ("'", '"'):
        message = f"Value {quote}{value}{quote} does not exist in 'Language' enum."
        bounded = bounded_message(message)
        assert bounded == f"Value {quote}{value[:MAX_ECHO]}…{quote} does not exist in " \
                          "'Language' enum."


def test_unquoted_runs_and_long_messages_are_cut() -> None:
    assert longest_echo(bounded_message("Unknown operation " + MARK * 1000)) <= MAX_ECHO
    many_words = "Value: " + f"{MARK} " * 10_000
    assert len(bounded_message(many_words)) == MAX_MESSAGE + 1
    quotes_inside = "Value '" + f"{MARK}'{MARK} " * 10_000 + "' is not valid."
    assert len(bounded_message(quotes_inside)) <= MAX_MESSAGE + 1


@pytest.mark.parametrize(("message", "kind"), [
    (f"Variable '$input' has invalid value at .language: Value '{MARK}'.", "Variable"),
    (f"Boolean cannot represent a non boolean value: \"{MARK}\"",
     "Boolean cannot represent a non boolean value"),
    ("Syntax Error: Unterminated string.", "Syntax Error"),
    (f"'{MARK}'", "-"),
])
def test_the_kind_of_a_message_holds_no_value(message: str, kind: str) -> None:
    assert message_kind(message) == kind


def test_an_unexpected_error_is_logged_without_its_message(
        caplog: pytest.LogCaptureFixture) -> None:
    try:
        raise ValueError(f"invalid literal for int(): '{MARK}'")
    except ValueError as exc:
        error = GraphQLError(str(exc), path=["registerForStudyVisit"], original_error=exc)
    with caplog.at_level(logging.INFO, logger="api.graphql"):
        log_error(error)
    assert MARK not in caplog.text
    assert "builtins.ValueError" in caplog.text and "registerForStudyVisit" in caplog.text
    assert "test_an_unexpected_error_is_logged_without_its_message" in caplog.text  # frames


@pytest.mark.parametrize("variables", [
    {"input": {**VALID, "language": MARK * 500_000}},
    {"input": {**VALID, "consent": MARK * 500_000}},
    {"input": {**VALID, MARK * 500_000: 1}},
    {"input": {"visitId": MARK * 500_000}},
])
async def test_a_megabyte_in_a_variable_is_neither_echoed_nor_logged(
        variables: dict[str, object], caplog: pytest.LogCaptureFixture) -> None:
    schema = build_schema(development=False)
    with caplog.at_level(logging.DEBUG):
        result = await schema.execute(REGISTER, variable_values=variables)
    assert result.errors
    for error in result.errors:
        assert len(error.message) <= MAX_MESSAGE + 1
        assert 0 < longest_echo(error.message) <= MAX_ECHO
    assert MARK not in caplog.text
    assert "GraphQL request error: Variable" in caplog.text


@pytest.mark.parametrize("query", [
    "mutation { registerForStudyVisit(input: {visitId: \"a\", name: \"n\", email: \"e\", "
    f"language: {MARK * 100_000}, consent: true}}) {{ errors {{ code }} }} }}",
    f'{{ studyVisits(first: "{MARK * 100_000}") {{ visit {{ id }} }} }}',
    f"{{ {MARK * 100_000} }}",
    f'{{ studyVisits(filter: {{courseId: "{MARK * 100_000}) }}',
])
async def test_a_huge_literal_in_the_query_is_neither_echoed_nor_logged(
        query: str, caplog: pytest.LogCaptureFixture) -> None:
    schema = build_schema(development=False)
    with caplog.at_level(logging.DEBUG):
        result = await schema.execute(query)
    assert result.errors
    assert all(longest_echo(e.message) <= MAX_ECHO for e in result.errors)
    assert MARK not in caplog.text


async def test_an_unknown_operation_name_is_bounded() -> None:
    schema = build_schema(development=False)
    with pytest.raises(CannotGetOperationTypeError) as raised:
        await schema.execute(REGISTER, variable_values={"input": VALID},
                             operation_name=MARK * 100_000)
    assert longest_echo(raised.value.as_http_error_reason()) <= MAX_ECHO
