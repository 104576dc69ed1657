"""The whole round trip with real Redis, Meilisearch, arq worker and SMTP sink:
register → the provider email arrives with working links → POST confirm → the jobseeker
gets the decision with a valid .ics → cancel frees the seat."""

from __future__ import annotations

import datetime
import zoneinfo

import httpx
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import keys
from core.visits.seats import seats_taken
from devstack.mailsink import MailSink
from tests.integration.visits.conftest import (
    VisitIndex,
    register,
    registration_input,
)
from tests.integration.visits.mail_helpers import (
    calendar_of,
    html_of,
    links,
    text_of,
    to,
    token_of,
    validate_ics,
)
from tests.live_app import run_worker

JOBSEEKER = "ann.andersson@example.se"
PROVIDER = "karin@utbildning.example"

VISIT = """
query Visit($id: ID!) { studyVisit(id: $id) { visit { seatsLeft capacity } course { id } } }
"""


async def _status(redis: Redis, registration_id: str) -> str:
    value = await redis.hget(keys.registration(registration_id), "status")
    assert value is not None
    return value.decode()


async def test_register_confirm_decision_with_ics_and_cancel(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink, redis: Redis
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        payload = await register(client, api, registration_input(
            visit_index.five_seats, JOBSEEKER, name="Ann Andersson", language="EN"))
        assert payload["errors"] == []
        registration = payload["registration"]
        assert registration["status"] == "PENDING"
        assert registration["visit"]["id"] == visit_index.five_seats
        assert registration["visit"]["seatsLeft"] == 4
        registration_id = registration["id"]

        await run_worker(vsettings)
        messages = smtp_sink.messages
        assert len(messages) == 2
        (provider_mail,) = to(messages, PROVIDER)
        (receipt,) = to(messages, JOBSEEKER)
        provider_message = provider_mail.message
        assert provider_message["Reply-To"].addresses[0].addr_spec == JOBSEEKER
        assert "Ann Andersson" in text_of(provider_message)
        assert "070-123 45 67" in html_of(provider_message)
        provider_links = links(provider_message)
        confirm_url = provider_links["/visits/decision#0"]
        decline_url = provider_links["/visits/decision#1"]
        assert token_of(confirm_url) != token_of(decline_url)
        assert "Thank you for registering" in text_of(receipt.message)

        # The links point at the public base URL; send them to the server under test.
        def local(url: str) -> str:
            return url.replace(vsettings.public_base_url, api)

        page = await client.get(local(confirm_url))
        assert page.status_code == 200
        assert "Ann Andersson" in page.text and "Bekräfta besöket" in page.text
        assert page.headers["referrer-policy"] == "no-referrer"
        assert await _status(redis, registration_id) == "PENDING"

        confirmed = await client.post(f"{api}/visits/decision",
                                      data={"token": token_of(confirm_url)})
        assert confirmed.status_code == 200, confirmed.text
        assert await _status(redis, registration_id) == "CONFIRMED"

        await run_worker(vsettings)
        decisions = to(smtp_sink.messages, JOBSEEKER)
        assert len(decisions) == 2
        decision = decisions[1].message
        assert decision["Subject"].startswith("Confirmed: study visit")
        calendar = calendar_of(decision)
        assert calendar is not None
        event = validate_ics(calendar)
        assert event["METHOD"] == "REQUEST"
        start = datetime.datetime.fromisoformat(
            next(v for v in visit_index.feed["courses"][0]["studyVisits"]
                 if v["id"] == "FIVE")["start"])
        assert event["TZID"] == "Europe/Stockholm"  # a Swedish course
        assert event["DTSTART"] == start.astimezone(
            zoneinfo.ZoneInfo("Europe/Stockholm")).strftime("%Y%m%dT%H%M%S")
        assert event["UID"].startswith(f"studyvisit-{registration_id}@")
        assert "Industrigatan 4" in event["LOCATION"]

        cancel_url = links(decision)["/visits/cancel"]
        page = await client.get(local(cancel_url))
        assert page.status_code == 200 and "Cancel" in page.text
        assert (await seats_taken(redis, [visit_index.five_seats]))[visit_index.five_seats] == 1
        cancelled = await client.post(f"{api}/visits/cancel",
                                      data={"token": token_of(cancel_url), "lang": "en"})
        assert cancelled.status_code == 200, cancelled.text
        assert await _status(redis, registration_id) == "CANCELLED"
        assert (await seats_taken(redis, [visit_index.five_seats]))[visit_index.five_seats] == 0
        seen = await client.post(f"{api}/graphql", json={
            "query": VISIT, "variables": {"id": visit_index.five_seats}})
        assert seen.json()["data"]["studyVisit"]["visit"]["seatsLeft"] == 5

        await run_worker(vsettings)
        (notice,) = to(smtp_sink.messages, PROVIDER)[1:]
        assert notice.message["Subject"].startswith("Avbokat studiebesök")
