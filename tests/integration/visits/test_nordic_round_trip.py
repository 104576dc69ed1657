"""A Danish and a Norwegian study visit, the whole way through the real API, worker and
SMTP sink: register → the receipt in the jobseeker's language → the provider's email in
the provider's language → confirm on its page → the confirmation with an .ics in the
country's time zone → cancel → the cancellation receipt, and the provider's notice.

The courses are the contract's Danish and Norwegian examples, their visits moved to ten
days from now at 10:00 local time.
"""

from __future__ import annotations

import copy
import datetime
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import keys
from devstack.mailsink import MailSink
from indexer.documents import course_document_id, study_visit_id
from tests.conftest import MeiliServer
from tests.integration.visits.conftest import (
    VisitIndex,
    load_feed,
    register,
    registration_input,
    visit_settings,
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
from tests.live_app import run_worker, serve

EXAMPLES = Path(__file__).resolve().parents[3] / "schema" / "examples" / "valid"
INDEX = "visits_nordic"
JOBSEEKER = "freja.nielsen@example.dk"


@dataclass(frozen=True)
class Country:
    """One country's course and what its emails and pages say, written out here (not
    taken from the code under test)."""

    feed: str
    language: str  # the GraphQL Language the jobseeker registers in
    zone: str
    months: tuple[str, ...]
    weekdays: tuple[str, ...]
    weekday_joiner: str  # between the weekday and the date
    receipt: str  # the receipt's subject starts so
    thanks: str  # and its text says
    provider_subject: str
    provider_language: str  # the registration's language, as the provider reads it
    confirm_button: str
    confirmed: str
    summary: str
    cancel_button: str
    cancelled_page: str
    cancellation_receipt: str
    provider_notice: str
    closing: str


DANISH = Country(
    feed="denmark-amu.json", language="DA", zone="Europe/Copenhagen",
    months=("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
            "september", "oktober", "november", "december"),
    weekdays=("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
    weekday_joiner=" den ",
    receipt="Din tilmelding til studiebesøg: ", thanks="Tak for din tilmelding!",
    provider_subject="Ny tilmelding ", provider_language="Sprog:       dansk",
    confirm_button="Bekræft besøget", confirmed="Bekræftet: studiebesøg ",
    summary="Studiebesøg: ", cancel_button="Aflys",
    cancelled_page="Dit studiebesøg er aflyst.",
    cancellation_receipt="Aflyst: studiebesøg ", provider_notice="Aflyst studiebesøg ",
    closing="Venlig hilsen",
)
NORWEGIAN = Country(
    feed="norway-amo.json", language="NB", zone="Europe/Oslo",
    months=("januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
            "september", "oktober", "november", "desember"),
    weekdays=("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
    weekday_joiner=" ",
    receipt="Påmeldingen din til studiebesøk: ", thanks="Takk for påmeldingen!",
    provider_subject="Ny påmelding ", provider_language="Språk:       norsk (bokmål)",
    confirm_button="Bekreft besøket", confirmed="Bekreftet: studiebesøk ",
    summary="Studiebesøk: ", cancel_button="Avlys",
    cancelled_page="Studiebesøket ditt er avlyst.",
    cancellation_receipt="Avlyst: studiebesøk ", provider_notice="Avlyst studiebesøk ",
    closing="Vennlig hilsen",
)


def _start(zone: str) -> datetime.datetime:
    local = datetime.datetime.now(ZoneInfo(zone)) + datetime.timedelta(days=10)
    return local.replace(hour=10, minute=0, second=0, microsecond=0)


def _feed(country: Country) -> dict[str, Any]:
    """The example feed with its first course's one visit ten days from now, 10:00-11:00."""
    feed: dict[str, Any] = copy.deepcopy(json.loads(
        (EXAMPLES / country.feed).read_text(encoding="utf-8")))
    course = feed["courses"][0]
    course["studyVisits"] = [{"id": "BES1", "start": _start(country.zone).isoformat(),
                              "durationMinutes": 60, "capacity": 4}]
    return feed


@pytest.fixture(scope="module")
def nordic_index(meili_server: MeiliServer, tmp_path_factory: pytest.TempPathFactory
                 ) -> dict[str, dict[str, Any]]:
    """Both feeds in one index of this module's own; the feeds by GraphQL language."""
    folder = tmp_path_factory.mktemp("nordic-feeds")
    feeds = {}
    for country in (DANISH, NORWEGIAN):
        feeds[country.language] = _feed(country)
        load_feed(meili_server, INDEX, folder / country.feed, feeds[country.language])
    return feeds


def _visit_id(feed: dict[str, Any]) -> str:
    organisation = feed["provider"]["organisationNumber"]
    return study_visit_id(course_document_id(organisation, feed["courses"][0]["id"]), "BES1")


def _when(country: Country) -> str:
    start = _start(country.zone)
    date = f"{start.day}. {country.months[start.month - 1]} {start.year}"
    return f"{country.weekdays[start.weekday()]}{country.weekday_joiner}{date} kl. 10.00–11.00"


async def _status(redis: Redis, registration_id: str) -> str:
    value = await redis.hget(keys.registration(registration_id), "status")
    assert value is not None
    return value.decode()


@pytest.mark.parametrize("country", [DANISH, NORWEGIAN], ids=["da", "nb"])
async def test_a_nordic_visit_round_trip_in_its_language_and_time_zone(
    country: Country, nordic_index: dict[str, dict[str, Any]], visit_index: VisitIndex,
    redis_url: str, smtp_sink: MailSink, redis: Redis,
) -> None:
    smtp_sink.clear()
    settings: Settings = visit_settings(visit_index, redis_url, smtp_sink, MEILI_INDEX=INDEX)
    feed = nordic_index[country.language]
    visit_id = _visit_id(feed)
    provider = feed["courses"][0]["contact"]["email"]
    title = feed["courses"][0]["title"][country.language.lower()]
    when = _when(country)
    with serve(settings) as api:
        async with httpx.AsyncClient(timeout=10) as client:
            payload = await register(client, api, registration_input(
                visit_id, JOBSEEKER, name="Freja Nielsen", phone="+45 20 12 34 56",
                language=country.language))
            assert payload["errors"] == [], payload
            registration_id = payload["registration"]["id"]

            await run_worker(settings)
            (receipt,) = to(smtp_sink.messages, JOBSEEKER)
            assert receipt.message["Subject"] == country.receipt + title
            receipt_text = text_of(receipt.message)
            assert country.thanks in receipt_text and when in receipt_text
            assert country.closing in receipt_text
            assert f'lang="{country.language.lower()}"' in html_of(receipt.message)

            (notification,) = to(smtp_sink.messages, provider)
            assert notification.message["Subject"].startswith(country.provider_subject)
            notification_text = text_of(notification.message)
            assert when in notification_text and "Freja Nielsen" in notification_text
            assert country.provider_language in notification_text
            page_link = links(notification.message)["/provider"]
            assert f"lang={country.language.lower()}" in page_link

            def local(url: str) -> str:
                return url.replace(settings.public_base_url, api)

            confirm_url = links(notification.message)["/visits/decision#0"]
            page = await client.get(local(confirm_url))  # no lang: the provider's country's
            assert page.status_code == 200 and country.confirm_button in page.text
            assert f'<html lang="{country.language.lower()}"' in page.text and when in page.text
            confirmed = await client.post(f"{api}/visits/decision", data={
                "token": token_of(confirm_url), "lang": country.language.lower()})
            assert confirmed.status_code == 200, confirmed.text
            assert await _status(redis, registration_id) == "CONFIRMED"

            await run_worker(settings)
            decision = to(smtp_sink.messages, JOBSEEKER)[1].message
            assert decision["Subject"].startswith(country.confirmed)
            assert when in text_of(decision)
            calendar = calendar_of(decision)
            assert calendar is not None
            event = validate_ics(calendar)
            assert event["TZID"] == country.zone
            assert event["DTSTART"] == _start(country.zone).strftime("%Y%m%dT%H%M%S")
            assert event["SUMMARY"] == country.summary + title

            cancel_url = local(links(decision)["/visits/cancel"])
            page = await client.get(cancel_url)
            assert page.status_code == 200
            assert re.search(f">{country.cancel_button}</button>", page.text)
            cancelled = await client.post(f"{api}/visits/cancel", data={
                "token": token_of(cancel_url), "lang": country.language.lower()})
            assert cancelled.status_code == 200 and country.cancelled_page in cancelled.text
            assert await _status(redis, registration_id) == "CANCELLED"

            await run_worker(settings)
            cancellation = to(smtp_sink.messages, JOBSEEKER)[2].message
            assert cancellation["Subject"].startswith(country.cancellation_receipt)
            cancel_calendar = calendar_of(cancellation)
            assert cancel_calendar is not None
            assert validate_ics(cancel_calendar)["METHOD"] == "CANCEL"
            notice = to(smtp_sink.messages, provider)[1].message
            assert notice["Subject"].startswith(country.provider_notice)
            assert when in text_of(notice)
