"""The provider's page and ``providerStudyVisits``: opened from the emailed link, it shows
exactly the contact's registrations; decisions need the CSRF cookie; the CSV parses.

Real API under uvicorn, real Redis, real Meilisearch, a real worker and SMTP sink.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import time
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import keys
from core.visits.models import Language, Registration, RegistrationStatus
from core.visits.provider_access import issue_provider_token
from core.visits.pseudonyms import email_digest
from core.visits.short_reference import short_reference
from core.visits.store import RegistrationStore
from devstack.mailsink import MailSink
from tests.factories import organisation_number
from tests.integration.visits.conftest import (
    ORG,
    VisitIndex,
    indexed_visit,
    register,
    registration_input,
    write_visit_records,
)
from tests.integration.visits.mail_helpers import calendar_of, links, text_of, to, token_of
from tests.live_app import run_worker

KARIN = "karin@utbildning.example"  # contact of VISITS1 (five_seats)
OLLE = "olle@utbildning.example"  # contact of VISITS2 (roomy), same organisation
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')

LIST = """query($t: String!) { providerStudyVisits(token: $t) { result visits {
  visit { id } seatsTaken registrations { id reference name email status } } } }"""
FIRST_VISITS = """query($t: String!, $n: Int!) { providerStudyVisits(token: $t) {
  visitCount visits(first: $n) { visit { id } } } }"""
DECIDE = """mutation($t: String!, $ids: [ID!]!, $d: ProviderDecision!, $r: DeclineReason) {
  decideProviderRegistrations(token: $t, registrationIds: $ids, decision: $d,
                              declineReason: $r) {
    result outcomes { registrationId result status } } }"""


async def _setup(client: httpx.AsyncClient, api: str, settings: Settings,
                 visit_index: VisitIndex, sink: MailSink) -> tuple[list[str], str, str]:
    """Three registrations on Karin's visit, one on Olle's; Karin's page link."""
    await write_visit_records(settings)
    karins = []
    for n in range(3):
        payload = await register(client, api, registration_input(
            visit_index.five_seats, f"person{n}@example.se", name=f"Person Nummer{n}"))
        karins.append(payload["registration"]["id"])
    olles = await register(client, api, registration_input(
        visit_index.roomy, "other@example.se", name="Olles Gäst"))
    await run_worker(settings)
    page_url = links(to(sink.messages, KARIN)[-1].message)["/provider"]
    return karins, olles["registration"]["id"], token_of(page_url)


async def _status(redis: Redis, registration_id: str) -> str:
    value = await redis.hget(keys.registration(registration_id), "status")
    assert value is not None
    return str(value.decode())


async def _gql(client: httpx.AsyncClient, api: str, query: str, **variables: Any
               ) -> dict[str, Any]:
    response = await client.post(f"{api}/graphql", json={"query": query,
                                                          "variables": variables})
    body = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = next(iter(body["data"].values()))
    return data


async def test_provider_page_lists_decides_and_downloads(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink, redis: Redis,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    async with httpx.AsyncClient(timeout=10) as client:
        karins, olles, token = await _setup(client, api, vsettings, visit_index, smtp_sink)
        page = await client.get(f"{api}/provider", params={"token": token})
        assert page.status_code == 200
        assert page.headers["cache-control"] == "no-store"
        for n in range(3):
            assert f"Person Nummer{n}" in page.text and f"person{n}@example.se" in page.text
        assert "Olles Gäst" not in page.text and "other@example.se" not in page.text
        csrf = CSRF_FIELD.search(page.text)
        assert csrf is not None and client.cookies.get("provider_csrf") == csrf.group(1)

        # A POST without the page's CSRF value changes nothing.
        forged = await client.post(f"{api}/provider/decide", cookies={"provider_csrf": "x"},
                                   data={"token": token, "csrf": "y", "action": "confirm",
                                         "registration": karins[:2]})
        assert forged.status_code == 403
        assert {await _status(redis, r) for r in karins} == {"PENDING"}

        # Two at once; another contact's registration is not Karin's to decide.
        decided = await client.post(f"{api}/provider/decide", data={
            "token": token, "csrf": csrf.group(1), "action": "confirm",
            "registration": [*karins[:2], olles]})
        assert decided.status_code == 200
        assert [await _status(redis, r) for r in karins] == ["CONFIRMED", "CONFIRMED",
                                                             "PENDING"]
        assert await _status(redis, olles) == "PENDING"
        sent = len(smtp_sink.messages)
        await run_worker(vsettings)
        assert {m.recipients[0] for m in smtp_sink.messages[sent:]} == {
            "person0@example.se", "person1@example.se"}

        # Undo one confirmation: cancelled, seat freed, the jobseeker gets a cancelling .ics.
        undone = await client.post(f"{api}/provider/decide", data={
            "token": token, "csrf": csrf.group(1), "action": "undo", "registration": karins[1]})
        assert undone.status_code == 200
        assert await _status(redis, karins[1]) == "CANCELLED"
        assert await redis.scard(keys.active(visit_index.five_seats)) == 2
        sent = len(smtp_sink.messages)
        await run_worker(vsettings)
        [told] = smtp_sink.messages[sent:]
        assert list(told.recipients) == ["person1@example.se"]
        calendar = calendar_of(told.message)
        assert calendar is not None and b"METHOD:CANCEL" in calendar
        twice = await client.post(f"{api}/provider/decide", data={
            "token": token, "csrf": csrf.group(1), "action": "undo", "registration": karins[1]})
        assert twice.status_code == 200 and await _status(redis, karins[1]) == "CANCELLED"
        await run_worker(vsettings)
        assert len(smtp_sink.messages) == sent + 1

        # GET changes nothing, however often.
        before = [await _status(redis, r) for r in karins]
        await client.get(f"{api}/provider", params={"token": token})
        assert [await _status(redis, r) for r in karins] == before

        download = await client.get(f"{api}/provider/visit.csv", params={
            "token": token, "visit": visit_index.five_seats})
        assert download.status_code == 200
        assert download.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(download.text)))
        assert {(r["reference"], r["name"], r["status"]) for r in rows} == {
            (short_reference(karins[0]), "Person Nummer0", "CONFIRMED"),
            (short_reference(karins[2]), "Person Nummer2", "PENDING")}
        other = await client.get(f"{api}/provider/visit.csv", params={
            "token": token, "visit": visit_index.roomy})
        assert other.status_code == 404 and "Olles" not in other.text

    # Every access is logged, with the organisation number and counts only.
    logged = "\n".join(r.getMessage() for r in caplog.records
                       if r.name.startswith(("core.visits.provider_access", "api.provider")))
    assert f"provider page listed: organisation={ORG.replace('-', '')}" in logged
    assert "provider decisions: organisation=" in logged
    assert "provider undid confirmations: organisation=" in logged
    assert "provider list downloaded: organisation=" in logged
    assert "found=True rows=2" in logged and "found=False rows=0" in logged
    for personal in ("Person", "Olles", "example.se", "utbildning.example", token,
                     *karins, olles):
        assert personal not in logged


async def test_tampered_expired_and_foreign_tokens_show_nothing(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        _, _, token = await _setup(client, api, vsettings, visit_index, smtp_sink)
        tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        expired = issue_provider_token(vsettings, ORG, KARIN, now=time.time() - 31 * 86_400)
        foreign = issue_provider_token(vsettings, organisation_number("556677889"), KARIN)
        for bad, status in ((tampered, 400), (expired, 410)):
            page = await client.get(f"{api}/provider", params={"token": bad})
            assert page.status_code == status and "Person Nummer" not in page.text
        page = await client.get(f"{api}/provider", params={"token": foreign})
        assert page.status_code == 200 and "Person Nummer" not in page.text
        assert (await _gql(client, api, LIST, t=tampered)) == {
            "result": "INVALID_TOKEN", "visits": []}
        assert (await _gql(client, api, LIST, t=expired))["result"] == "EXPIRED_TOKEN"
        assert (await _gql(client, api, LIST, t=foreign)) == {"result": "DONE", "visits": []}


async def test_graphql_lists_and_declines_several(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink, redis: Redis
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        karins, olles, token = await _setup(client, api, vsettings, visit_index, smtp_sink)
        listed = await _gql(client, api, LIST, t=token)
        assert listed["result"] == "DONE"
        by_id = {v["visit"]["id"]: v for v in listed["visits"]}
        assert set(by_id) == {visit_index.five_seats, visit_index.two_seats,
                              visit_index.tomorrow, visit_index.past}  # past: attendance
        visit = by_id[visit_index.five_seats]
        assert visit["seatsTaken"] == 3 and by_id[visit_index.two_seats]["registrations"] == []
        assert sorted(r["id"] for r in visit["registrations"]) == sorted(karins)
        assert {r["reference"] for r in visit["registrations"]} == {
            short_reference(rid) for rid in karins}
        first_two = await _gql(client, api, FIRST_VISITS, t=token, n=2)
        assert first_two == {"visitCount": 4, "visits": [
            {"visit": {"id": v["visit"]["id"]}} for v in listed["visits"][:2]]}
        too_many = (await client.post(f"{api}/graphql", json={
            "query": FIRST_VISITS, "variables": {"t": token, "n": 201}})).json()
        assert too_many["data"] is None
        assert too_many["errors"][0]["extensions"] == {
            "code": "BAD_USER_INPUT", "argument": "first"}
        olle_token = issue_provider_token(vsettings, ORG, OLLE)
        [olle_visit] = (await _gql(client, api, LIST, t=olle_token))["visits"]
        assert [r["name"] for r in olle_visit["registrations"]] == ["Olles Gäst"]

        page = await client.get(f"{api}/provider", params={"token": token})
        assert '<option value="visit_full">' in page.text  # the decline reason's select
        decided = await _gql(client, api, DECIDE, t=token, ids=[*karins[1:], olles],
                             d="DECLINE", r="VISIT_FULL")
        assert decided["outcomes"] == [
            {"registrationId": karins[1], "result": "DONE", "status": "DECLINED"},
            {"registrationId": karins[2], "result": "DONE", "status": "DECLINED"},
            {"registrationId": olles, "result": "NOT_FOUND", "status": None},
        ]
        assert await _status(redis, olles) == "PENDING"
        again = await _gql(client, api, DECIDE, t=token, ids=[karins[1]], d="CONFIRM")
        assert again["outcomes"][0]["result"] == "NOT_ALLOWED"
        await _gql(client, api, DECIDE, t=token, ids=[karins[0]], d="CONFIRM")
        undone = await _gql(client, api, UNDO, t=token, ids=[karins[0], karins[1], olles])
        assert undone["outcomes"] == [
            {"registrationId": karins[0], "result": "DONE", "status": "CANCELLED"},
            {"registrationId": karins[1], "result": "NOT_ALLOWED", "status": "DECLINED"},
            {"registrationId": olles, "result": "NOT_FOUND", "status": None},
        ]
        assert await _status(redis, karins[0]) == "CANCELLED"
    await run_worker(vsettings)
    declined = to(smtp_sink.messages, "person1@example.se")[-1].message
    assert "Skäl: Studiebesöket är fullbokat." in text_of(declined)


UNDO = """mutation($t: String!, $ids: [ID!]!) {
  undoProviderConfirmations(token: $t, registrationIds: $ids) {
    result outcomes { registrationId result status } } }"""


async def _confirmed_on_past_visit(settings: Settings, redis: Redis, visit_id: str,
                                   name: str) -> str:
    """A confirmed registration of the visit two days ago (stored directly: registering
    for a visit that has taken place is refused)."""
    visit = await indexed_visit(settings, visit_id)
    now = int(time.time())
    registration = Registration(
        id=f"past-{name.lower()}", status=RegistrationStatus.PENDING, visit=visit, name=name,
        email=f"{name.lower()}@example.se", phone=None, language=Language.SV,
        created_at=now - 5 * 86_400, updated_at=now - 5 * 86_400, expires_at=now + 86_400)
    store = RegistrationStore(redis)
    await store.reserve(registration, email_digest(settings.secret_key, registration.email),
                        now)
    await store.transition(registration.id, (RegistrationStatus.PENDING,),
                           RegistrationStatus.CONFIRMED, now)
    return registration.id


ATTENDANCE = """mutation($t: String!, $ids: [ID!]!, $a: Boolean!) {
  markProviderAttendance(token: $t, registrationIds: $ids, attended: $a) {
    result outcomes { registrationId result } } }"""


async def test_attendance_is_marked_after_the_visit_and_its_count_outlives_the_data(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink, redis: Redis
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        karins, _, token = await _setup(client, api, vsettings, visit_index, smtp_sink)
        came = await _confirmed_on_past_visit(vsettings, redis, visit_index.past, "Kom")
        stayed = await _confirmed_on_past_visit(vsettings, redis, visit_index.past, "Borta")
        page = await client.get(f"{api}/provider", params={"token": token})
        csrf = CSRF_FIELD.search(page.text)
        assert csrf is not None and 'value="attended"' in page.text
        marked = await client.post(f"{api}/provider/decide", data={
            "token": token, "csrf": csrf.group(1), "action": "attended", "registration": came})
        assert marked.status_code == 200
        result = await _gql(client, api, ATTENDANCE, t=token, ids=[stayed, came, karins[0]],
                            a=False)
        assert result["outcomes"] == [
            {"registrationId": stayed, "result": "DONE"},
            {"registrationId": came, "result": "DONE"},  # changed its mind: moves the count
            {"registrationId": karins[0], "result": "NOT_FOUND"},  # visit not started
        ]
        again = await _gql(client, api, ATTENDANCE, t=token, ids=[came], a=True)
        assert again["outcomes"] == [{"registrationId": came, "result": "DONE"}]
        past = next(v for v in (await _gql(client, api, LIST_ATTENDANCE, t=token))["visits"]
                    if v["visit"]["id"] == visit_index.past)
        assert past["attendedCount"] == 1
        assert {r["id"]: r["attendance"] for r in past["registrations"]} == {
            came: "ATTENDED", stayed: "ABSENT"}
        csv_rows = list(csv.DictReader(io.StringIO((await client.get(
            f"{api}/provider/visit.csv", params={"token": token, "visit": visit_index.past})
        ).text)))
        assert {r["reference"]: r["attendance"] for r in csv_rows} == {
            short_reference(came): "attended", short_reference(stayed): "absent"}

        # Personal data goes on its schedule; the count stays.
        await RegistrationStore(redis).erase(came, ())
        await RegistrationStore(redis).erase(stayed, ())
        past = next(v for v in (await _gql(client, api, LIST_ATTENDANCE, t=token))["visits"]
                    if v["visit"]["id"] == visit_index.past)
        assert past["registrations"] == [] and past["attendedCount"] == 1


LIST_ATTENDANCE = """query($t: String!) { providerStudyVisits(token: $t) { visits {
  visit { id } attendedCount registrations { id attendance } } } }"""


async def test_the_page_link_can_be_requested_again_without_revealing_the_address(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        await _setup(client, api, vsettings, visit_index, smtp_sink)
        sent = len(smtp_sink.messages)
        known = await client.post(f"{api}/provider/link",
                                  data={"email": "KARIN@utbildning.example"})
        unknown = await client.post(f"{api}/provider/link", data={"email": "nobody@example.se"})
        assert known.status_code == unknown.status_code == 200
        assert known.text == unknown.text
        await run_worker(vsettings)
        [mail] = smtp_sink.messages[sent:]
        assert list(mail.recipients) == [KARIN]
        page = await client.get(f"{api}/provider",
                                params={"token": token_of(links(mail.message)["/provider"])})
        assert "Person Nummer0" in page.text and "Olles" not in page.text
        expired = issue_provider_token(vsettings, ORG, KARIN, now=time.time() - 31 * 86_400)
        gone = await client.get(f"{api}/provider", params={"token": expired})
        assert gone.status_code == 410 and 'action="/provider/link"' in gone.text


MY_LINK = """mutation($e: String!) { requestMyRegistrationsLink(email: $e, language: SV) {
  errors { code } } }"""


async def test_page_link_requests_are_limited_per_address_and_per_client(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink
) -> None:
    """One mailbox in any spelling, then any address from one client; the jobseeker's
    link requests are counted apart."""
    per_address = vsettings.my_link_requests_per_address_per_hour
    per_client = vsettings.my_link_requests_per_client_per_hour
    async with httpx.AsyncClient(timeout=10) as client:
        await _setup(client, api, vsettings, visit_index, smtp_sink)
        sent = len(smtp_sink.messages)

        async def ask(address: str) -> int:
            return (await client.post(f"{api}/provider/link",
                                      data={"email": address})).status_code

        karin = [await ask(f"Karin+{n}@utbildning.example") for n in range(per_address + 1)]
        assert karin == [200] * per_address + [429]
        others = [await ask(f"nobody{n}@example.se")
                  for n in range(per_client - per_address + 1)]
        assert others == [200] * (per_client - per_address) + [429]
        assert await _gql(client, api, MY_LINK, e="nobody@example.se") == {"errors": []}
    await run_worker(vsettings)
    assert {m.recipients[0] for m in smtp_sink.messages[sent:]} == {KARIN}
