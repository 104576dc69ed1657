"""The emailed links: GET changes nothing; bad, expired and replayed tokens change nothing."""

from __future__ import annotations

import time
from typing import Any

import httpx
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import keys
from core.visits.seats import seats_taken
from core.visits.tokens import TokenAction, issue
from devstack.mailsink import MailSink
from tests.integration.visits.conftest import (
    VisitIndex,
    register,
    registration_input,
)
from tests.integration.visits.mail_helpers import links, to, token_of
from tests.live_app import run_worker

PROVIDER = "karin@utbildning.example"
JOBSEEKER = "bo.berg@example.se"

DECIDE = "mutation($t: String!) { decideStudyVisitRegistration(token: $t) { result status } }"
CANCEL = "mutation($t: String!) { cancelStudyVisitRegistration(token: $t) { result status } }"
ERASE = "mutation($t: String!) { eraseStudyVisitRegistration(token: $t) { result status } }"


async def _setup(client: httpx.AsyncClient, api: str, settings: Settings, visit_id: str,
                 sink: MailSink) -> tuple[str, dict[str, str]]:
    payload = await register(client, api, registration_input(visit_id, JOBSEEKER,
                                                             name="Bo Berg"))
    await run_worker(settings)
    provider = links(to(sink.messages, PROVIDER)[-1].message)
    jobseeker = links(to(sink.messages, JOBSEEKER)[-1].message)
    tokens = {
        "confirm": token_of(provider["/visits/decision#0"]),
        "decline": token_of(provider["/visits/decision#1"]),
        "cancel": token_of(jobseeker["/visits/cancel"]),
        "erase": token_of(jobseeker["/visits/erase"]),
    }
    return payload["registration"]["id"], tokens


async def _snapshot(redis: Redis, registration_id: str) -> dict[bytes, bytes]:
    snapshot: dict[bytes, bytes] = await redis.hgetall(keys.registration(registration_id))
    return snapshot


async def _gql(client: httpx.AsyncClient, api: str, query: str, token: str) -> dict[str, Any]:
    response = await client.post(f"{api}/graphql", json={"query": query,
                                                          "variables": {"t": token}})
    data: dict[str, Any] = next(iter(response.json()["data"].values()))
    return data


async def test_opening_any_link_changes_nothing(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink, redis: Redis
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        registration_id, tokens = await _setup(client, api, vsettings, visit_index.five_seats,
                                               smtp_sink)
        before = await _snapshot(redis, registration_id)
        sent = len(smtp_sink.messages)
        for path, token in [("decision", tokens["confirm"]), ("decision", tokens["decline"]),
                            ("cancel", tokens["cancel"]), ("erase", tokens["erase"])]:
            for _ in range(3):  # scanners, previews, the person
                page = await client.get(f"{api}/visits/{path}", params={"token": token})
                assert page.status_code == 200
                assert page.headers["cache-control"] == "no-store"
                assert "<form method=\"post\"" in page.text
                # one main landmark holding the page's heading and its form
                assert page.text.count("<main>") == 1 and "<main><h1" in page.text
                assert page.text.index("</form>") < page.text.index("</main>")
            head = await client.head(f"{api}/visits/{path}", params={"token": token})
            assert head.status_code in (200, 405)
        assert await _snapshot(redis, registration_id) == before
        await run_worker(vsettings)
        assert len(smtp_sink.messages) == sent


async def test_tampered_forged_expired_and_misused_tokens_change_nothing(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink, redis: Redis
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        registration_id, tokens = await _setup(client, api, vsettings, visit_index.five_seats,
                                               smtp_sink)
        before = await _snapshot(redis, registration_id)
        confirm = tokens["confirm"]
        payload, _, signature = confirm.rpartition(".")
        flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
        middle = len(signature) // 2
        changed = signature[:middle] + ("A" if signature[middle] != "A" else "B") + \
            signature[middle + 1:]
        bad = {
            "tampered signature": f"{payload}.{changed}",
            "non-canonical signature": f"{payload}.{flipped}",
            "tampered payload": "X" + confirm[1:],
            "forged": issue("another-secret-key-" + "y" * 32, registration_id,
                            TokenAction.CONFIRM, int(time.time()) + 3600),
            "expired": issue(vsettings.secret_key, registration_id, TokenAction.CONFIRM,
                             int(time.time()) - 1),
            "wrong purpose": tokens["cancel"],
            "empty": "",
            "garbage": "<script>alert(1)</script>",
        }
        expected = {"expired": (410, "EXPIRED_TOKEN")}
        for name, token in bad.items():
            status, result = expected.get(name, (400, "INVALID_TOKEN"))
            page = await client.get(f"{api}/visits/decision", params={"token": token})
            assert page.status_code == status, name
            assert "<script>" not in page.text
            posted = await client.post(f"{api}/visits/decision", data={"token": token})
            assert posted.status_code == status, name
            assert (await _gql(client, api, DECIDE, token))["result"] == result, name
        expired_cancel = issue(vsettings.secret_key, registration_id, TokenAction.CANCEL,
                               int(time.time()) - 1)
        assert (await _gql(client, api, CANCEL, expired_cancel))["result"] == "EXPIRED_TOKEN"
        assert (await _gql(client, api, ERASE, tokens["confirm"]))["result"] == "INVALID_TOKEN"
        assert await _snapshot(redis, registration_id) == before


async def test_a_second_decision_is_refused_clearly_and_changes_nothing(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink, redis: Redis
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        registration_id, tokens = await _setup(client, api, vsettings, visit_index.five_seats,
                                               smtp_sink)
        first = await client.post(f"{api}/visits/decision", data={"token": tokens["confirm"]})
        assert first.status_code == 200
        after_first = await _snapshot(redis, registration_id)
        replay = await client.post(f"{api}/visits/decision", data={"token": tokens["confirm"]})
        assert replay.status_code == 409
        assert "redan bekräftad" in replay.text
        other = await client.post(f"{api}/visits/decision", data={"token": tokens["decline"]})
        assert other.status_code == 409
        assert await _gql(client, api, DECIDE, tokens["confirm"]) == {
            "result": "ALREADY_DONE", "status": "CONFIRMED"}
        assert await _gql(client, api, DECIDE, tokens["decline"]) == {
            "result": "NOT_ALLOWED", "status": "CONFIRMED"}
        assert await _snapshot(redis, registration_id) == after_first
        await run_worker(vsettings)
        decisions = [m for m in to(smtp_sink.messages, JOBSEEKER)
                     if "Bekräftat" in str(m.message["Subject"])]
        assert len(decisions) == 1


async def test_the_decision_mutation_declines_and_frees_the_seat(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink, redis: Redis
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        _, tokens = await _setup(client, api, vsettings, visit_index.two_seats, smtp_sink)
        assert (await seats_taken(redis, [visit_index.two_seats]))[visit_index.two_seats] == 1
        assert await _gql(client, api, DECIDE, tokens["decline"]) == {
            "result": "DONE", "status": "DECLINED"}
        assert (await seats_taken(redis, [visit_index.two_seats]))[visit_index.two_seats] == 0
        await run_worker(vsettings)
        declined = to(smtp_sink.messages, JOBSEEKER)[-1].message
        assert str(declined["Subject"]).startswith("Svar på din anmälan")
        assert await _gql(client, api, CANCEL, tokens["cancel"]) == {
            "result": "NOT_ALLOWED", "status": "DECLINED"}
        # declined: the same person may register again
        again = await register(client, api, registration_input(visit_index.two_seats, JOBSEEKER))
        assert again["registration"] is not None


async def test_erasure_deletes_the_registration_and_every_pointer_to_it(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink, redis: Redis
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        registration_id, tokens = await _setup(client, api, vsettings, visit_index.five_seats,
                                               smtp_sink)
        erased = await client.post(f"{api}/visits/erase", data={"token": tokens["erase"]})
        assert erased.status_code == 200
        assert await redis.exists(keys.registration(registration_id)) == 0
        assert (await seats_taken(redis, [visit_index.five_seats]))[visit_index.five_seats] == 0
        assert await redis.hlen(keys.emails(visit_index.five_seats)) == 0
        assert await redis.zscore(keys.EXPIRIES, registration_id) is None
        assert await redis.hget(keys.REGISTRATION_VISITS, registration_id) is None
        again = await client.post(f"{api}/visits/erase", data={"token": tokens["erase"]})
        assert again.status_code == 404
        page = await client.get(f"{api}/visits/decision", params={"token": tokens["confirm"]})
        assert page.status_code == 404
        assert await _gql(client, api, DECIDE, tokens["confirm"]) == {
            "result": "NOT_FOUND", "status": None}
        for key in await redis.keys("*"):
            if await redis.type(key) == b"string":
                assert JOBSEEKER.encode() not in (await redis.get(key) or b"")


async def test_an_oversized_form_is_refused_without_reading_it_all(api: str) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(f"{api}/visits/decision",
                                     content=b"token=" + b"A" * 100_000,
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
