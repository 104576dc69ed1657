"""The jobseeker's "my study visits": the link is emailed only to an address with
registrations, the answer is the same either way; the page lists exactly the address's
registrations and cancels one (CSRF-guarded). Real API, Redis, worker and SMTP sink."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import httpx
import pytest
from icalendar import Calendar
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import keys
from core.visits.models import Language, Registration, RegistrationStatus
from core.visits.my_registrations import index_key, issue_my_token
from core.visits.pseudonyms import email_digest
from core.visits.store import RegistrationStore
from devstack.mailsink import MailSink
from tests.integration.visits.conftest import (
    VisitIndex,
    indexed_visit,
    register,
    registration_input,
)
from tests.integration.visits.mail_helpers import links, to, token_of
from tests.live_app import run_worker

ME = "Lisa.Holm+jobb@example.se"
REQUEST = """mutation($e: String!) { requestMyRegistrationsLink(email: $e, language: EN) {
  errors { field code } } }"""
MINE = """query($t: String!) { myRegistrations(token: $t) { result registrations {
  id status courseTitle visit { id } } } }"""
MINE_ICS = """query($t: String!) { myRegistrations(token: $t) { registrations {
  id status icsUrl } } }"""
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


async def _gql(client: httpx.AsyncClient, api: str, query: str, **variables: Any
               ) -> dict[str, Any]:
    body = (await client.post(f"{api}/graphql", json={"query": query,
                                                      "variables": variables})).json()
    assert "errors" not in body, body
    data: dict[str, Any] = next(iter(body["data"].values()))
    return data


async def test_link_lists_own_registrations_and_cancels_one(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink, redis: Redis
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        mine = [(await register(client, api, registration_input(v, ME, name="Lisa Holm")))
                ["registration"]["id"] for v in (visit_index.five_seats, visit_index.roomy)]
        other = (await register(client, api, registration_input(
            visit_index.five_seats, "someone@example.se", name="Nils Nilsson")))[
            "registration"]["id"]
        await run_worker(vsettings)
        sent = len(smtp_sink.messages)

        unknown = await _gql(client, api, REQUEST, e="nobody@example.se")
        known = await _gql(client, api, REQUEST, e="lisa.holm@example.se")  # same mailbox
        assert unknown == known == {"errors": []}
        await run_worker(vsettings)
        new = smtp_sink.messages[sent:]
        assert [list(m.recipients) for m in new] == [[ME]]
        assert to(new, "nobody@example.se") == []
        token = token_of(links(new[0].message)["/mine"])

        listed = await _gql(client, api, MINE, t=token)
        assert listed["result"] == "DONE"
        assert sorted(r["id"] for r in listed["registrations"]) == sorted(mine)
        bad = await _gql(client, api, MINE, t=token[:-2] + "xx")
        assert bad == {"result": "INVALID_TOKEN", "registrations": []}

        page = await client.get(f"{api}/mine", params={"token": token, "lang": "en"})
        assert page.status_code == 200 and "Nils" not in page.text
        csrf = CSRF_FIELD.search(page.text)
        assert csrf is not None
        foreign = await client.post(f"{api}/mine/act", data={
            "token": token, "csrf": csrf.group(1), "action": "cancel", "registration": other})
        assert foreign.status_code == 404
        forged = await client.post(f"{api}/mine/act", cookies={"mine_csrf": "x"}, data={
            "token": token, "csrf": "y", "action": "cancel", "registration": mine[0]})
        assert forged.status_code == 403
        for registration_id in (other, mine[0]):
            assert await redis.hget(keys.registration(registration_id), "status") == b"PENDING"
        cancelled = await client.post(f"{api}/mine/act", data={
            "token": token, "csrf": csrf.group(1), "action": "cancel", "registration": mine[0]})
        assert cancelled.status_code == 200
        assert await redis.hget(keys.registration(mine[0]), "status") == b"CANCELLED"
        assert await redis.hget(keys.registration(mine[1]), "status") == b"PENDING"
        erased = await client.post(f"{api}/mine/act", data={
            "token": token, "csrf": csrf.group(1), "action": "erase", "registration": mine[1]})
        assert erased.status_code == 200
        assert await redis.exists(keys.registration(mine[1])) == 0
        digest = email_digest(vsettings.secret_key, ME)
        assert await redis.zrange(index_key(digest), 0, -1) == [mine[0].encode()]
        assert [r["id"] for r in (await _gql(client, api, MINE, t=token))["registrations"]] == [
            mine[0]]


async def test_link_requests_are_limited_per_address(
    api: str, vsettings: Settings, smtp_sink: MailSink
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        answers = [await _gql(client, api, REQUEST, e=f"anna+{n}@example.se")
                   for n in range(vsettings.my_link_requests_per_address_per_hour + 1)]
        assert answers[:-1] == [{"errors": []}] * vsettings.my_link_requests_per_address_per_hour
        assert answers[-1] == {"errors": [{"field": None, "code": "RATE_LIMITED"}]}
        invalid = await _gql(client, api, REQUEST, e="not-an-address")
        assert invalid == {"errors": [{"field": "email", "code": "INVALID"}]}
        await run_worker(vsettings)
        assert smtp_sink.messages == []


async def test_the_address_index_is_written_and_erased_with_the_registration(
    vsettings: Settings, visit_index: VisitIndex, redis: Redis
) -> None:
    """The store's own scripts keep the index: no registration the link cannot find, and
    nothing left of the address once its registrations are erased."""
    now = int(time.time())
    digest = email_digest(vsettings.secret_key, ME)
    store = RegistrationStore(redis)
    for n, visit_id in enumerate((visit_index.roomy, visit_index.five_seats)):
        registration = Registration(
            id=f"indexed-{n}", status=RegistrationStatus.PENDING,
            visit=await indexed_visit(vsettings, visit_id), name="Lisa", email=ME,
            phone=None, language=Language.SV, created_at=now, updated_at=now,
            expires_at=now + 3_600 * (n + 1))
        assert (await store.reserve(registration, digest, now)).outcome == "OK"
    key = index_key(digest)
    assert await redis.zrange(key, 0, -1, withscores=True) == [
        (b"indexed-0", now + 3_600), (b"indexed-1", now + 7_200)]
    assert await redis.expiretime(key) == now + 7_200  # with the last one's data
    assert await store.erase("indexed-1", ())
    assert await redis.zrange(key, 0, -1) == [b"indexed-0"]
    assert await store.erase("indexed-0", ())
    assert await redis.exists(key) == 0


async def test_each_active_registration_downloads_its_ics_and_access_logs_no_personal_data(
    api: str, vsettings: Settings, visit_index: VisitIndex, redis: Redis,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    async with httpx.AsyncClient(timeout=10) as client:
        mine = [(await register(client, api, registration_input(v, ME, name="Lisa Holm")))
                ["registration"]["id"] for v in (visit_index.five_seats, visit_index.roomy)]
        other = (await register(client, api, registration_input(
            visit_index.roomy, "someone@example.se", name="Nils Nilsson")))[
            "registration"]["id"]
        token = issue_my_token(vsettings, email_digest(vsettings.secret_key, ME))
        page = await client.get(f"{api}/mine", params={"token": token})
        csrf = CSRF_FIELD.search(page.text)
        assert csrf is not None and page.text.count("/mine/visit.ics?") == 2
        await client.post(f"{api}/mine/act", data={
            "token": token, "csrf": csrf.group(1), "action": "cancel", "registration": mine[1]})

        listed = {r["id"]: r for r in (await _gql(client, api, MINE_ICS, t=token))[
            "registrations"]}
        assert listed[mine[1]]["icsUrl"] is None  # cancelled: nothing to put in a calendar
        url = listed[mine[0]]["icsUrl"]
        assert url.startswith(f"{vsettings.public_base_url}/mine/visit.ics?")
        download = await client.get(api + url.removeprefix(vsettings.public_base_url))
        assert download.status_code == 200
        assert download.headers["content-type"] == "text/calendar; charset=utf-8"
        assert download.headers["cache-control"] == "no-store"
        calendar = Calendar.from_ical(download.content)
        [event] = calendar.walk("VEVENT")
        assert calendar["METHOD"] == "PUBLISH" and event["STATUS"] == "TENTATIVE"
        assert str(event["UID"]).startswith(f"studyvisit-{mine[0]}@")
        visit = (await redis.hget(keys.registration(mine[0]), "startTs"))
        assert visit is not None and int(event.decoded("DTSTART").timestamp()) == int(visit)

        for registration_id, status in ((mine[1], 404), (other, 404)):  # cancelled, not mine
            refused = await client.get(f"{api}/mine/visit.ics", params={
                "token": token, "registration": registration_id})
            assert refused.status_code == status and "BEGIN:VCALENDAR" not in refused.text
        tampered = await client.get(f"{api}/mine/visit.ics", params={
            "token": token[:-2] + "xx", "registration": mine[0]})
        assert tampered.status_code == 400

    logged = "\n".join(r.getMessage() for r in caplog.records
                       if not r.name.startswith("httpx"))  # the test's own client logs URLs
    assert "my study visits listed: registrations=2" in logged
    assert "my study visits action: action=cancel result=DONE" in logged
    for personal in ("Lisa", "Holm", "Nils", "example.se", token, *mine, other):
        assert personal not in logged


async def test_link_requests_are_limited_per_client(
    api: str, vsettings: Settings, smtp_sink: MailSink
) -> None:
    limit = vsettings.my_link_requests_per_client_per_hour
    async with httpx.AsyncClient(timeout=10) as client:
        answers = [await _gql(client, api, REQUEST, e=f"person{n}@example.se")
                   for n in range(limit + 1)]  # other mailboxes each time: the client counts
    assert answers[:-1] == [{"errors": []}] * limit
    assert answers[-1] == {"errors": [{"field": None, "code": "RATE_LIMITED"}]}
    await run_worker(vsettings)
    assert smtp_sink.messages == []
