"""The compiled registration path (api/visits/compiled.py) answers as strawberry does.

Two applications on the same Redis and index, one with the compiled paths and one
without, get the same requests; every answer must be the same bytes (a new
registration's id, time of registration and the visit's seats left aside). The compiled
application must have answered the documents it can compile itself, and left the others
to strawberry.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
from redis.asyncio import Redis

from api.app import create_app
from api.visits.compiled import RegistrationExecutor
from core.settings import Settings
from core.visits import keys
from tests.integration.visits.conftest import REGISTER, VisitIndex, registration_input

BARE = """mutation($input: RegisterForStudyVisitInput!) {
  registerForStudyVisit(input: $input) { registration { id } errors { code } }
}"""
EVERY_FIELD = """mutation Every($input: RegisterForStudyVisitInput!) {
  made: registerForStudyVisit(input: $input) {
    __typename
    problems: errors { __typename code field message }
    registration {
      __typename status key: id createdAt courseId courseTitle providerName waitlistPosition
      visit { __typename registrationClosesAt seatsLeft capacity durationMinutes end start id }
    }
    again: __typename
  }
}"""
PAGE = """mutation RegisterForStudyVisit($input: RegisterForStudyVisitInput!) {
  registerForStudyVisit(input: $input) {
    registration { id status waitlistPosition visit { id start seatsLeft registrationClosesAt } }
    errors { field message code }
  }
}"""
NOT_COMPILED = [  # strawberry's alone, answered all the same
    REGISTER.replace("start }", "start address { city } }"),  # a field not compiled
    """mutation($input: RegisterForStudyVisitInput!) {
  registerForStudyVisit(input: $input) { ...P } }
fragment P on RegisterForStudyVisitPayload { registration { id } errors { code } }""",
    """mutation($input: RegisterForStudyVisitInput!, $yes: Boolean!) {
  registerForStudyVisit(input: $input) { registration @include(if: $yes) { id } } }""",
    """mutation($input: RegisterForStudyVisitInput!) {
  registerForStudyVisit(input: $input) { registration { id } again: registration { status }
                                         errors { code } } }""",
]
# a new registration's own values, and the seats its twin took meanwhile
_VARYING = re.compile(rb'"(id|key|createdAt)":"[^"]*"|"(seatsLeft)":[0-9]+')


@contextlib.asynccontextmanager
async def _client(settings: Settings, compiled: bool) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, compiled)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


async def _post(client: httpx.AsyncClient, query: str, variables: Any) -> bytes:
    body = {"query": query, "variables": variables}
    response = await client.post("/graphql", json=body)
    return f"{response.status_code} {response.headers['content-type']} ".encode() \
        + response.content


async def _both(compiled: httpx.AsyncClient, plain: httpx.AsyncClient, query: str,
                variables: Any, email: str | None = None) -> bytes:
    """The same request to both; with ``email``, each registers an address of its own
    (``compiled-`` and ``plain-`` before it), so that both can succeed."""
    mine = json.loads(json.dumps(variables))
    theirs = json.loads(json.dumps(variables))
    if email is not None:
        mine["input"]["email"], theirs["input"]["email"] = f"compiled-{email}", f"plain-{email}"
    first = await _post(compiled, query, mine)
    second = await _post(plain, query, theirs)
    if email is not None:
        first, second = (_VARYING.sub(rb'"\1\2":"*"', answer).replace(b"compiled-", b"")
                         .replace(b"plain-", b"") for answer in (first, second))
    assert first == second, (query, variables)
    return first


def _input(visit_id: str, email: str, **extra: Any) -> dict[str, Any]:
    return {"input": registration_input(visit_id, email, **extra)}


async def test_compiled_registrations_answer_as_strawberry_does(
        vsettings: Settings, visit_index: VisitIndex, redis: Redis) -> None:
    async with _client(vsettings, True) as compiled, _client(vsettings, False) as plain:
        executor: RegistrationExecutor = compiled.app.state.registration_executor  # type: ignore[attr-defined]
        for query in (BARE, EVERY_FIELD, PAGE, REGISTER):
            variables = _input("no-such-visit", "first@example.se")
            await _both(compiled, plain, query, variables)  # strawberry validates it first
            answered = executor.compiled
            for n, (visit, extra) in enumerate([
                    (visit_index.roomy, {}), (visit_index.roomy, {"phone": None}),
                    (visit_index.tomorrow, {"language": "EN"})]):
                email = f"p{n}-{len(query)}@example.se"
                answer = await _both(compiled, plain, query, _input(visit, email, **extra), email)
                assert b'"status":"PENDING"' in answer or query == BARE, answer
            held = _input(visit_index.roomy, f"held-{len(query)}@example.se")
            assert (await _post(plain, query, held)).count(b'"code"') == 0
            for variables in [
                    held,  # ALREADY_REGISTERED
                    _input(visit_index.past, "late@example.se"),  # VISIT_PASSED
                    _input("no-such-visit", "x@example.se"),  # NOT_FOUND
                    _input(visit_index.roomy, "not an address", phone="x" * 40),  # INVALID
                    _input(visit_index.roomy, "c@example.se", consent=False)]:
                answer = await _both(compiled, plain, query, variables)
                assert b'"code":"' in answer, answer
            assert executor.compiled == answered + 8, query
            for variables in [  # declined before any registration: strawberry's errors
                    {"input": {"visitId": visit_index.roomy}},
                    {"input": {**registration_input(visit_index.roomy, "v@example.se"),
                               "language": "XX"}},
                    {"input": registration_input(visit_index.roomy, "nul\u0000@example.se")},
                    {"input": registration_input(visit_index.roomy, "d@example.se"),
                     "deep": [[[[[[[[[[1]]]]]]]]]]}]:
                await _both(compiled, plain, query, variables)
            assert executor.compiled == answered + 8, query
        for query in NOT_COMPILED:
            for _ in range(2):
                before = executor.compiled
                variables = {**_input(visit_index.roomy, "nc@example.se"), "yes": True}
                await _both(compiled, plain, query, variables, f"nc{len(query)}@example.se")
                assert executor.compiled == before
    # every registration was stored once, with its two e-mail jobs queued
    stored = [key async for key in redis.scan_iter(keys.registration("*"))]
    assert len(stored) == 4 * (3 * 2 + 1) + 2 * len(NOT_COMPILED)
    assert await redis.zcard("arq:queue") == 2 * len(stored)
