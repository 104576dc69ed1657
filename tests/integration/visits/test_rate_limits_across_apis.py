"""The registration rate limits are counted in Redis, so they hold across API processes:
a client that spreads its registrations over two processes gets no more than from one."""

from __future__ import annotations

from pathlib import Path

import httpx

from devstack.mailsink import MailSink
from tests.integration.scaleout.api_processes import api_processes
from tests.integration.visits.conftest import (
    VisitIndex,
    register,
    registration_input,
    visit_settings,
)

LIMIT = 3


async def test_the_per_client_limit_holds_across_two_api_processes(
    tmp_path: Path, visit_index: VisitIndex, redis_url: str, smtp_sink: MailSink,
) -> None:
    env = {"REGISTRATION_RATE_LIMIT_PER_IP": str(LIMIT), "MEILI_INDEX": visit_index.index,
           "REDIS_URL": redis_url}
    settings = visit_settings(visit_index, redis_url, smtp_sink, **env)
    with api_processes(settings, tmp_path, 2, **env) as apis:
        async with httpx.AsyncClient(timeout=20) as client:
            payloads = [await register(client, apis[number % 2].url, registration_input(
                visit_index.roomy, f"spread{number}@example.se")) for number in range(LIMIT + 2)]
    accepted = [p for p in payloads if p["registration"] is not None]
    refused = [[e["code"] for e in p["errors"]] for p in payloads if p["registration"] is None]
    assert len(accepted) == LIMIT
    assert refused == [["RATE_LIMITED"], ["RATE_LIMITED"]]
