"""The visit finder when Redis or Meilisearch stops answering: a typed SERVICE_UNAVAILABLE in
bounded time naming no host or port, and answers again once the process continues."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import httpx

from devstack.mailsink import MailSink
from tests.conftest import MeiliServer
from tests.integration.visits.conftest import VisitIndex, visit_settings
from tests.integration.visits.own_redis import own_redis
from tests.live_app import serve

ANSWER_WITHIN_SECONDS = 15  # the clients' deadlines are 2 s; generous for a busy machine
FIND = """{ searchStudyVisits(filter: {onlyWithSeatsLeft: true}, first: 5) {
  totalCount edges { node { id seatsLeft } } } }"""


async def _ask(client: httpx.AsyncClient, api: str) -> tuple[float, dict[str, object]]:
    started = time.monotonic()
    response = await client.post(f"{api}/graphql", json={"query": FIND})
    body: dict[str, object] = response.json()
    return time.monotonic() - started, body


def _unavailable(body: dict[str, object], dependency: str, port: int) -> None:
    errors = body.get("errors")
    assert isinstance(errors, list) and errors, body
    assert errors[0]["extensions"]["code"] == "SERVICE_UNAVAILABLE", errors
    text = str(body)
    assert "127.0.0.1" not in text and str(port) not in text
    assert dependency in errors[0]["message"]


async def test_redis_or_meilisearch_stopped_is_service_unavailable(
        visit_index: VisitIndex, meili_server: MeiliServer, smtp_sink: MailSink,
        tmp_path: Path) -> None:
    with own_redis(tmp_path) as redis_server:
        settings = visit_settings(visit_index, redis_server.url, smtp_sink)
        process = redis_server.process.process
        meili = meili_server.process.process
        assert process is not None and meili is not None
        async with httpx.AsyncClient(timeout=60) as client:
            with serve(settings) as api:
                seconds, body = await _ask(client, api)
                assert "errors" not in body, body
                process.send_signal(signal.SIGSTOP)
                try:
                    seconds, body = await _ask(client, api)
                finally:
                    process.send_signal(signal.SIGCONT)
                assert seconds < ANSWER_WITHIN_SECONDS
                _unavailable(body, "registrations", redis_server.port)
                meili.send_signal(signal.SIGSTOP)
                try:
                    seconds, body = await _ask(client, api)
                finally:
                    meili.send_signal(signal.SIGCONT)
                assert seconds < ANSWER_WITHIN_SECONDS
                _unavailable(body, "search", int(meili_server.url.rsplit(":", 1)[1]))
                seconds, body = await _ask(client, api)
                assert "errors" not in body, body
