"""registerForStudyVisit through the real API: seats, every error code, abuse limits."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import keys
from core.visits.seats import seats_taken
from devstack.mailsink import MailSink
from tests.integration.visits.conftest import (
    VisitIndex,
    register,
    registration_input,
    visit_settings,
)
from tests.live_app import serve


def _codes(payload: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


@pytest.mark.slow  # a race of 200 requests, run alone: the second stage of scripts/test.sh
async def test_200_concurrent_registrations_for_5_seats_accept_exactly_5(
    api: str, vsettings: Settings, visit_index: VisitIndex, redis: Redis
) -> None:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        results = await asyncio.gather(*(
            register(client, api, registration_input(
                visit_index.five_seats, f"person{i}@example.se", name=f"Person Nummer {i}"))
            for i in range(200)
        ))
    accepted = [r for r in results if r["registration"] is not None]
    full = [r for r in results if _codes(r) == [("visitId", "VISIT_FULL")]]
    assert len(accepted) == 5
    assert len(full) == 195
    assert {r["registration"]["status"] for r in accepted} == {"PENDING"}
    assert (await seats_taken(redis, [visit_index.five_seats]))[visit_index.five_seats] == 5
    active = {m.decode() for m in await redis.smembers(keys.active(visit_index.five_seats))}
    assert active == {r["registration"]["id"] for r in accepted}
    assert len(await redis.keys(keys.registration("*"))) == 5


async def test_the_same_email_holds_one_active_registration_per_visit(
    api: str, visit_index: VisitIndex
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        first = await register(client, api, registration_input(visit_index.two_seats,
                                                                "Same@Example.se"))
        again = await register(client, api, registration_input(visit_index.two_seats,
                                                                "same@example.SE"))
        other_visit = await register(client, api, registration_input(visit_index.roomy,
                                                                     "same@example.se"))
    assert first["registration"] is not None
    assert _codes(again) == [("email", "ALREADY_REGISTERED")]
    assert other_visit["registration"] is not None


async def test_every_expected_failure_is_data_with_field_message_and_code(
    api: str, visit_index: VisitIndex
) -> None:
    cases = [
        (registration_input(visit_index.roomy, "not-an-email"), [("email", "INVALID")]),
        (registration_input(visit_index.roomy, "a@b.se", name="x"), [("name", "INVALID")]),
        (registration_input(visit_index.roomy, "a@b.se", name="Ann\r\nBcc: x@y"),
         [("name", "INVALID")]),
        (registration_input(visit_index.roomy, "a@b.se", name="A" * 101), [("name", "INVALID")]),
        (registration_input(visit_index.roomy, "a@b.se", phone="call me"),
         [("phone", "INVALID")]),
        (registration_input(visit_index.roomy, "a@b.se", consent=False),
         [("consent", "CONSENT_REQUIRED")]),
        (registration_input("1234567890-NOPE~NOPE", "a@b.se"), [("visitId", "NOT_FOUND")]),
        (registration_input("garbage", "a@b.se"), [("visitId", "NOT_FOUND")]),
        (registration_input(visit_index.past, "a@b.se"), [("visitId", "VISIT_PASSED")]),
        (registration_input(visit_index.roomy, "bad", name="x", consent=False),
         [("name", "INVALID"), ("email", "INVALID"), ("consent", "CONSENT_REQUIRED")]),
    ]
    async with httpx.AsyncClient(timeout=10) as client:
        for variables, expected in cases:
            payload = await register(client, api, variables)
            assert payload["registration"] is None
            assert _codes(payload) == expected, variables
            for problem in payload["errors"]:
                assert problem["message"]
                for typed in (variables["email"], variables["name"]):
                    assert len(typed) < 4 or typed not in problem["message"]


async def test_messages_follow_the_chosen_language(api: str, visit_index: VisitIndex) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        sv = await register(client, api, registration_input(visit_index.roomy, "x", language="SV"))
        en = await register(client, api, registration_input(visit_index.roomy, "x", language="EN"))
    assert "e-postadress" in sv["errors"][0]["message"]
    assert "email address" in en["errors"][0]["message"]


async def test_registrations_are_rate_limited_per_client_and_per_email(
    visit_index: VisitIndex, redis_url: str, smtp_sink: MailSink, redis: Redis
) -> None:
    settings = visit_settings(visit_index, redis_url, smtp_sink,
                              REGISTRATION_RATE_LIMIT_PER_IP="4",
                              REGISTRATION_RATE_LIMIT_PER_EMAIL="2")
    with serve(settings) as base:
        async with httpx.AsyncClient(timeout=10) as client:
            by_email = [await register(client, base, registration_input(
                visit_index.roomy, "repeat@example.se")) for _ in range(3)]
            assert _codes(by_email[1]) == [("email", "ALREADY_REGISTERED")]
            assert _codes(by_email[2]) == [(None, "RATE_LIMITED")]
            by_client = [await register(client, base, registration_input(
                visit_index.roomy, f"new{i}@example.se")) for i in range(3)]
            assert by_client[0]["registration"] is not None
            assert by_client[1]["registration"] is not None
            assert _codes(by_client[2]) == [(None, "RATE_LIMITED")]
    limit_keys = [k.decode() for k in await redis.keys("ratelimit:*")]
    # One client, three emails per hour and per day (keyed hashes); refusals not kept.
    assert len(limit_keys) == 1 + 3 + 3
    assert not any("repeat" in k or "127.0.0.1" in k for k in limit_keys)
