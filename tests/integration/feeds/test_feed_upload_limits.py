"""A feed upload is not held to the 64 KiB request cap nor the few seconds' read deadline
of every other request: it has its own (``FEED_MAX_BYTES``, ``FEED_READ_TIMEOUT_SECONDS``),
under ``python -m api``'s protocol as under plain uvicorn."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
from redis.asyncio import Redis

from tests.integration.feeds.conftest import FULL_ORG, FeedSettings, bearer, example, new_key
from tests.integration.served_api import served_api
from tests.live_app import serve

SMALL_REQUEST_CAP = "2048"  # the example feed is 7.6 KB


def _feed_body() -> bytes:
    return json.dumps(example("valid/full.json"), ensure_ascii=False).encode()


async def test_a_feed_larger_than_the_request_cap_is_accepted_under_plain_uvicorn(
    feed_settings: FeedSettings, redis: Redis, http: httpx.AsyncClient
) -> None:
    settings = feed_settings(MAX_REQUEST_BYTES=SMALL_REQUEST_CAP)
    key = await new_key(redis, FULL_ORG)
    body = _feed_body()
    assert len(body) > int(SMALL_REQUEST_CAP)
    with serve(settings) as api:
        answer = await http.put(f"{api}/feeds/{FULL_ORG}", content=body, headers=bearer(key))
        graphql = await http.post(f"{api}/graphql", content=b" " * 4096 + b"{}",
                                  headers={"content-type": "application/json"})
    assert answer.status_code == 202, answer.text
    assert answer.json()["accepted"] == 3
    assert graphql.status_code == 413  # every other path keeps the request cap


async def test_under_python_m_api_a_feed_has_its_own_cap_and_a_longer_deadline(
    feed_settings: FeedSettings, redis: Redis, tmp_path: Path
) -> None:
    settings = feed_settings()
    key = await new_key(redis, FULL_ORG)
    body = _feed_body()
    env = {"MAX_REQUEST_BYTES": SMALL_REQUEST_CAP, "REQUEST_READ_TIMEOUT_SECONDS": "1",
           "FEED_READ_TIMEOUT_SECONDS": "6"}
    with served_api(settings, tmp_path / "api.log", **env) as api:
        with api.connect() as sock:  # the body trickles in over 2 s: past the 1 s deadline
            sock.sendall(b"PUT /feeds/" + FULL_ORG.encode() + b" HTTP/1.1\r\nHost: t\r\n"
                         b"Authorization: Bearer " + key.encode() + b"\r\n"
                         b"Content-Type: application/json\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
            started = time.monotonic()
            for start in range(0, len(body), len(body) // 4 + 1):
                sock.sendall(body[start:start + len(body) // 4 + 1])
                time.sleep(0.5)
            answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 202"), answer[:200]
        assert time.monotonic() - started > 1.5
        with api.connect() as sock:  # a feed that stops arriving is cut at its deadline
            sock.sendall(b"PUT /feeds/" + FULL_ORG.encode() + b" HTTP/1.1\r\nHost: t\r\n"
                         b"Authorization: Bearer " + key.encode() + b"\r\n"
                         b"Content-Length: 5000\r\n\r\n{")
            started = time.monotonic()
            late = sock.recv(65536)
            waited = time.monotonic() - started
        assert b" 408 " in late.split(b"\r\n", 1)[0], late[:200]
        assert 4 < waited < 15
