"""cancelMyRegistration and eraseMyRegistration: the "my study visits" token acts on the
address's own registrations only, and a bad or expired token changes nothing. Real API,
Redis and Meilisearch."""

from __future__ import annotations

import time
from typing import Any

import httpx
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import keys
from core.visits.my_registrations import index_key, issue_my_token
from core.visits.pseudonyms import email_digest
from tests.integration.visits.conftest import VisitIndex, register, registration_input

ME = "maja.berg@example.se"
CANCEL = """mutation($t: String!, $r: ID!) { cancelMyRegistration(token: $t, registrationId: $r) {
  result status } }"""
ERASE = """mutation($t: String!, $r: ID!) { eraseMyRegistration(token: $t, registrationId: $r) {
  result status } }"""


async def _act(client: httpx.AsyncClient, api: str, query: str, token: str,
               registration_id: str) -> dict[str, Any]:
    body = (await client.post(f"{api}/graphql", json={
        "query": query, "variables": {"t": token, "r": registration_id}})).json()
    assert "errors" not in body, body
    payload: dict[str, Any] = next(iter(body["data"].values()))
    return payload


async def test_the_token_cancels_and_erases_only_its_own_registrations(
    api: str, vsettings: Settings, visit_index: VisitIndex, redis: Redis
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        mine = [(await register(client, api, registration_input(v, ME, name="Maja Berg")))
                ["registration"]["id"] for v in (visit_index.five_seats, visit_index.roomy)]
        other = (await register(client, api, registration_input(
            visit_index.roomy, "someone.else@example.se", name="Nils Nilsson")))[
            "registration"]["id"]
        digest = email_digest(vsettings.secret_key, ME)
        token = issue_my_token(vsettings, digest)
        expired = issue_my_token(vsettings, digest,
                                 now=time.time() - vsettings.my_link_hours * 3_600 - 5)

        for query in (CANCEL, ERASE):
            assert await _act(client, api, query, token[:-2] + "xx", mine[0]) == {
                "result": "INVALID_TOKEN", "status": None}
            assert await _act(client, api, query, expired, mine[0]) == {
                "result": "EXPIRED_TOKEN", "status": None}
            assert await _act(client, api, query, token, other) == {
                "result": "NOT_FOUND", "status": None}
        for registration_id in (*mine, other):
            assert await redis.hget(keys.registration(registration_id), "status") == b"PENDING"

        assert await _act(client, api, CANCEL, token, mine[0]) == {
            "result": "DONE", "status": "CANCELLED"}
        assert await _act(client, api, CANCEL, token, mine[0]) == {
            "result": "ALREADY_DONE", "status": "CANCELLED"}
        assert await redis.hget(keys.registration(mine[0]), "status") == b"CANCELLED"

        assert await _act(client, api, ERASE, token, mine[1]) == {
            "result": "DONE", "status": None}
        assert await redis.exists(keys.registration(mine[1])) == 0
        assert await redis.zrange(index_key(digest), 0, -1) == [mine[0].encode()]
        assert await _act(client, api, ERASE, token, mine[1]) == {
            "result": "NOT_FOUND", "status": None}
        assert await redis.hget(keys.registration(other), "status") == b"PENDING"
