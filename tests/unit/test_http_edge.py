"""Pure logic of the HTTP edge: media types, variables limits, the client address."""

from __future__ import annotations

from typing import Any

import pytest

from api.http.errors import RequestError
from api.http.forwarded import FORWARDED, client_address
from api.http.media import GRAPHQL_RESPONSE, JSON, is_json_request, response_media_type
from api.http.protocol import SERVED_BY_PROTOCOL
from api.http.variables import MAX_VARIABLES_DEPTH, MAX_VARIABLES_VALUES, check_variables


@pytest.mark.parametrize(("value", "ok"), [
    (b"application/json", True), (b"APPLICATION/JSON", True),
    (b"application/json; charset=UTF-8", True), (b'application/json;charset="utf-8"', True),
    (b"application/json; boundary=x", True),
    (b"application/jsonx", False), (b"xapplication/json", False), (b"text/json", False),
    (b"application/json; charset=latin-1", False), (b"multipart/form-data", False),
    (None, False), (b"", False),
])
def test_json_requests_are_matched_exactly(value: bytes | None, ok: bool) -> None:
    assert is_json_request(value) is ok


@pytest.mark.parametrize(("accept", "chosen"), [
    (None, JSON), (b"", JSON), (b"*/*", JSON), (b"application/*", JSON),
    (b"application/json", JSON), (b"APPLICATION/JSON", JSON),
    (GRAPHQL_RESPONSE.encode(), GRAPHQL_RESPONSE),
    (b"application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE),
    (b"application/json, application/graphql-response+json", GRAPHQL_RESPONSE),
    (b"application/json, application/graphql-response+json;q=0.5", JSON),
    (b"*/*, application/graphql-response+json", GRAPHQL_RESPONSE),
    (b"application/graphql-response+json;q=0, */*", JSON),
    (b"text/html, */*;q=0.8", JSON),
    (b"text/html", None), (b"application/jsonx", None), (b"application/json;q=0", None),
    (b"garbage", None), (b"application/json;q=abc", None),
])
def test_the_answer_media_type_follows_accept(accept: bytes | None, chosen: str | None) -> None:
    assert response_media_type(accept) == chosen


def _nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth - 1):
        value = [value]
    return {"v": value} if depth else value


def test_variables_within_the_limits_pass() -> None:
    check_variables(None)
    check_variables({"f": {"startDate": {"from": "2027-01-01"}, "regions": ["01", "12"]}})
    check_variables(_nested(MAX_VARIABLES_DEPTH))
    check_variables({"a": list(range(MAX_VARIABLES_VALUES - 1))})


def test_variables_too_deep_or_too_large_name_the_limit() -> None:
    with pytest.raises(RequestError) as deep:
        check_variables(_nested(MAX_VARIABLES_DEPTH + 1))
    assert deep.value.status == 400 and deep.value.code == "VARIABLES_TOO_DEEP"
    assert str(MAX_VARIABLES_DEPTH) in deep.value.message
    with pytest.raises(RequestError) as large:
        check_variables({"a": list(range(MAX_VARIABLES_VALUES))})
    assert large.value.code == "VARIABLES_TOO_LARGE"
    assert str(MAX_VARIABLES_VALUES) in large.value.message


def _scope(client: tuple[str, int] | None, forwarded_for: str | None = None,
           **extra: Any) -> dict[str, Any]:
    headers = [(b"x-forwarded-for", forwarded_for.encode())] if forwarded_for else []
    return {"type": "http", "client": client, "headers": headers, **extra}


def test_the_client_address_is_the_peer_unless_it_may_come_from_forwarded_for() -> None:
    assert client_address(_scope(("192.0.2.1", 5000))) == "192.0.2.1"
    assert client_address(_scope(("192.0.2.1", 5000), "198.51.100.7")) == "192.0.2.1"
    assert client_address(_scope(None)) == "unknown"
    # a server that took the address from the header without the API's policy
    assert client_address(_scope(("198.51.100.7", 0), "198.51.100.7")) == FORWARDED
    assert client_address(_scope(("198.51.100.7", 80), "10.0.0.1, 198.51.100.7:80")) == FORWARDED
    assert client_address(_scope(("2001:db8::1", 0), "[2001:db8::1]:443")) == FORWARDED
    assert client_address(_scope(("198.51.100.7", 0), "198.51.100.70")) == "198.51.100.7"
    # python -m api applied its explicit policy
    assert client_address(_scope(("198.51.100.7", 0), "198.51.100.7",
                                 **{SERVED_BY_PROTOCOL: True})) == "198.51.100.7"
