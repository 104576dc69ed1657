"""Request limits of the production server (``python -m api``): body cap, read deadlines
for headers and body, variables limits, all answered in JSON and quickly."""

from __future__ import annotations

import dataclasses
import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from api.http.variables import MAX_VARIABLES_DEPTH
from tests.conftest import SampleIndex
from tests.integration.served_api import ServedApi, served_api
from tests.live_app import serve

READ_TIMEOUT = 2.0
MAX_BYTES = 64 * 1024
SEARCH = '{ searchCourses(query: "svetsare", first: 1) { totalCount } }'


@pytest.fixture(scope="module")
def api(sample_index: SampleIndex, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[ServedApi]:
    log = tmp_path_factory.mktemp("api") / "api.log"
    with served_api(sample_index.settings, log,
                    REQUEST_READ_TIMEOUT_SECONDS=str(READ_TIMEOUT)) as served:
        yield served


def _read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One HTTP response (status, headers, body) read off the socket, up to EOF or its
    Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a response: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(lines[0].split()[1]), headers, body


def _closed(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def _post_head(length: int | None, chunked: bool = False) -> bytes:
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}"
    return (f"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"{framing}\r\n\r\n").encode()


def _error(body: bytes) -> dict[str, object]:
    errors = json.loads(body)["errors"]
    assert len(errors) == 1 and "data" not in json.loads(body)
    error: dict[str, object] = errors[0]
    return error


def test_a_declared_100_mib_body_is_refused_at_once_unread(api: ServedApi) -> None:
    with api.connect() as sock:
        started = time.monotonic()
        sock.sendall(_post_head(100 * 1024 * 1024) + b'{"query": "' + b" " * 1000)
        status, headers, body = _read_response(sock)
        elapsed = time.monotonic() - started
        assert status == 413 and headers["content-type"] == "application/json"
        assert _error(body)["extensions"] == {"code": "REQUEST_TOO_LARGE"}
        assert str(MAX_BYTES) in str(_error(body)["message"])
        assert elapsed < READ_TIMEOUT  # answered from the headers, not after a read
        assert _closed(sock)


def test_a_chunked_body_is_refused_once_it_passes_the_cap(api: ServedApi) -> None:
    with api.connect() as sock:
        sock.sendall(_post_head(None, chunked=True))
        sent = 0
        chunk = b" " * 16384
        status = None
        try:
            while sent < 10 * MAX_BYTES:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
                sock.settimeout(0.05)
                try:
                    status, _, body = _read_response(sock)
                    break
                except TimeoutError:
                    pass
                finally:
                    sock.settimeout(10)
        except (BrokenPipeError, ConnectionResetError):
            pass
        if status is None:
            status, _, body = _read_response(sock)
        # the body never ends (no last chunk): an answer means it was refused midway
        assert status == 413
        assert _error(body)["extensions"] == {"code": "REQUEST_TOO_LARGE"}


def test_a_query_padded_with_10_mb_of_whitespace_is_refused_by_the_cap(api: ServedApi) -> None:
    padded = json.dumps({"query": "{" + " " * 10_000_000 + "regions { code } }"}).encode()
    started = time.monotonic()
    response = httpx.post(f"{api.url}/graphql", content=padded,
                          headers={"Content-Type": "application/json"}, timeout=10)
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
    assert time.monotonic() - started < READ_TIMEOUT


@pytest.mark.parametrize("trickle", [False, True])
def test_a_body_that_does_not_arrive_is_answered_408_within_the_deadline(
        api: ServedApi, trickle: bool) -> None:
    with api.connect() as sock:
        started = time.monotonic()
        sock.sendall(_post_head(1000) + b"{")
        if trickle:  # a byte every 0.2 s does not buy time
            sock.settimeout(0.2)
            while True:
                try:
                    sock.sendall(b" ")
                    status, _, body = _read_response(sock)
                    break
                except TimeoutError:
                    continue
            sock.settimeout(10)
        else:
            status, _, body = _read_response(sock)
        elapsed = time.monotonic() - started
        assert status == 408
        assert _error(body)["extensions"] == {"code": "REQUEST_TIMEOUT"}
        assert READ_TIMEOUT * 0.9 <= elapsed < READ_TIMEOUT + 3
        assert _closed(sock)


def test_under_another_server_the_body_deadline_is_the_apps_own(
        sample_index: SampleIndex) -> None:
    """Plain uvicorn (no read-deadline protocol): the application answers 408 itself."""
    settings = dataclasses.replace(sample_index.settings,
                                   request_read_timeout_seconds=READ_TIMEOUT)
    with serve(settings) as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            started = time.monotonic()
            sock.sendall(_post_head(1000) + b"{")
            status, _, body = _read_response(sock)
            elapsed = time.monotonic() - started
            assert status == 408
            assert _error(body)["extensions"] == {"code": "REQUEST_TIMEOUT"}
            assert READ_TIMEOUT * 0.9 <= elapsed < READ_TIMEOUT + 3


@pytest.mark.parametrize("sent", [b"", b"POST /graphql HTTP/1.1\r\nHost: x\r\nX-Slow: "])
def test_headers_that_do_not_arrive_lose_the_connection_within_the_deadline(
        api: ServedApi, sent: bytes) -> None:
    with api.connect() as sock:
        started = time.monotonic()
        sock.sendall(sent)
        deadline = started + READ_TIMEOUT + 3
        data = b""
        while time.monotonic() < deadline:  # a slow client trickles on: still dropped
            try:
                if sent:
                    sock.sendall(b"a")
            except (BrokenPipeError, ConnectionResetError):
                break
            sock.settimeout(0.3)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
        elapsed = time.monotonic() - started
        assert READ_TIMEOUT * 0.9 <= elapsed < READ_TIMEOUT + 3
        if sent:  # part of a request: told why
            assert data.startswith(b"HTTP/1.1 408 ")
            assert b'"REQUEST_TIMEOUT"' in data
        else:  # an idle connection is just closed
            assert data == b""


def test_a_second_request_on_a_connection_has_its_own_header_deadline(api: ServedApi) -> None:
    with api.connect() as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _read_response(sock)[0] == 200
        started = time.monotonic()
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        status, _, _ = _read_response(sock)
        assert status == 408
        assert time.monotonic() - started < READ_TIMEOUT + 3


def test_oversized_headers_are_refused(api: ServedApi) -> None:
    with api.connect() as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        status = None
        try:
            for _ in range(100):
                sock.sendall(b"X-Filler: " + b"a" * 4000 + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        status, _, body = _read_response(sock)
        assert status == 431
        assert _error(body)["extensions"] == {"code": "HEADERS_TOO_LARGE"}


def _nested_variables(depth: int) -> bytes:
    return (b'{"query": "query($f: CourseFilterInput) { searchCourses(filter: $f) '
            b'{ totalCount } }", "variables": {"f": ' + b"[" * depth + b"]" * depth + b"}}")


@pytest.mark.parametrize("depth", [MAX_VARIABLES_DEPTH + 1, 1100, 30_000])
def test_deeply_nested_variables_are_refused_naming_the_limit(api: ServedApi, depth: int) -> None:
    response = httpx.post(f"{api.url}/graphql", content=_nested_variables(depth),
                          headers={"Content-Type": "application/json"}, timeout=10)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "VARIABLES_TOO_DEEP"}
    assert f"{MAX_VARIABLES_DEPTH} levels" in error["message"]
    assert "data" not in response.json()


def test_variables_with_too_many_values_are_refused(api: ServedApi) -> None:
    variables = {"f": {"municipalities": ["1280"] * 6000}}
    response = httpx.post(f"{api.url}/graphql", json={
        "query": "query($f: CourseFilterInput) { searchCourses(filter: $f) { totalCount } }",
        "variables": variables}, timeout=10)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {"code": "VARIABLES_TOO_LARGE"}


def test_searches_still_answer_within_the_limits(api: ServedApi) -> None:
    response = httpx.post(f"{api.url}/graphql", json={"query": SEARCH}, timeout=10)
    assert response.status_code == 200
    assert response.json()["data"]["searchCourses"]["totalCount"] > 0


def test_link_page_posts_are_capped_too(api: ServedApi) -> None:
    with api.connect() as sock:
        sock.sendall(b"POST /visits/decision HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 104857600\r\n\r\ntoken=")
        status, _, body = _read_response(sock)
        assert status == 413
        assert _error(body)["extensions"] == {"code": "REQUEST_TOO_LARGE"}
