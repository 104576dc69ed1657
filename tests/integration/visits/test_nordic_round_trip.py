"""A Danish and a Norwegian study visit, the whole way through the real API, worker and
SMTP sink: register → the receipt in the jobseeker's language → the provider's email in
the provider's language → confirm on its page → the confirmation with an .ics in the
country's time zone → cancel → the cancellation receipt, and the provider's notice.

The courses are the contract's Danish and Norwegian examples (:mod:`nordic_feeds`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import keys
from devstack.mailsink import MailSink
from tests.conftest import MeiliServer
from tests.integration.visits.conftest import (
    VisitIndex,
    register,
    registration_input,
    visit_settings,
    write_visit_records,
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
from tests.integration.visits.nordic_feeds import load_nordic_feeds, nordic_visit_id, visit_start
from tests.live_app import run_worker, serve

INDEX = "visits_nordic"
JOBSEEKER = "freja.nielsen@example.dk"


@dataclass(frozen=True)
class Country:
    """One country's course and what its emails and pages say, written out here (not
    taken from the code under test)."""

    language: str  # the GraphQL Language the jobseeker registers in, and the provider's
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
    language="DA", zone="Europe/Copenhagen",
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
    language="NB", zone="Europe/Oslo",
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


@pytest.fixture(scope="module")
def nordic_index(meili_server: MeiliServer, tmp_path_factory: pytest.TempPathFactory
                 ) -> dict[str, dict[str, Any]]:
    """Both feeds in one index of this module's own; the feeds by provider language."""
    return load_nordic_feeds(meili_server, INDEX, tmp_path_factory.mktemp("nordic-feeds"))


def _when(country: Country, words: Country | None = None) -> str:
    """The country's visit, in its time zone, as ``words`` (the country's own language,
    unless given) writes it."""
    start, w = visit_start(country.zone), words or country
    date = f"{start.day}. {w.months[start.month - 1]} {start.year}"
    return f"{w.weekdays[start.weekday()]}{w.weekday_joiner}{date} kl. 10.00–11.00"


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
    feed = nordic_index[country.language.lower()]
    visit_id = nordic_visit_id(feed)
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
            assert event["DTSTART"] == visit_start(country.zone).strftime("%Y%m%dT%H%M%S")
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


MINE_LINK = """mutation($e: String!, $l: Language!) {
  requestMyRegistrationsLink(email: $e, language: $l) { errors { code } } }"""


async def test_the_self_service_pages_speak_danish_and_norwegian(
    nordic_index: dict[str, dict[str, Any]], visit_index: VisitIndex, redis_url: str,
    smtp_sink: MailSink, redis: Redis,
) -> None:
    """The provider's page opens from its emailed link in the provider's language; "my
    study visits" in the language asked for, with the visit in its country's time;
    the erase page in the registration's language."""
    smtp_sink.clear()
    settings = visit_settings(visit_index, redis_url, smtp_sink, MEILI_INDEX=INDEX)
    await write_visit_records(settings)
    with serve(settings) as api:
        async with httpx.AsyncClient(timeout=10) as client:
            for country in (DANISH, NORWEGIAN):
                payload = await register(client, api, registration_input(
                    nordic_visit_id(nordic_index[country.language.lower()]), JOBSEEKER,
                    name="Freja Nielsen", language=country.language))
                assert payload["errors"] == [], payload
            await run_worker(settings)

            danish_provider = nordic_index["da"]["courses"][0]["contact"]["email"]
            page_url = links(to(smtp_sink.messages, danish_provider)[0].message)["/provider"]
            page = await client.get(page_url.replace(settings.public_base_url, api))
            assert page.status_code == 200 and '<html lang="da">' in page.text
            for shown in ("<h1>Jeres studiebesøg</h1>", "Bekræft valgte", "Afvis valgte",
                          "afventer svar", "Freja Nielsen", _when(DANISH)):
                assert shown in page.text, shown
            assert _when(NORWEGIAN) not in page.text  # the Norwegian provider's visit

            sent = len(smtp_sink.messages)
            answer = await client.post(f"{api}/graphql", json={
                "query": MINE_LINK, "variables": {"e": JOBSEEKER, "l": "NB"}})
            assert answer.json()["data"]["requestMyRegistrationsLink"] == {"errors": []}
            await run_worker(settings)
            (link_mail,) = smtp_sink.messages[sent:]
            assert link_mail.message["Subject"] == "Studiebesøkene dine"
            mine = links(link_mail.message)["/mine"]
            page = await client.get(mine.replace(settings.public_base_url, api))
            assert page.status_code == 200 and '<html lang="nb">' in page.text
            for shown in ("<h1>Mine studiebesøk</h1>", "Legg til i kalenderen (.ics)", ">Avlys<",
                          ">Slett opplysningene mine<", "venter på svar", _when(NORWEGIAN),
                          _when(DANISH, NORWEGIAN),  # Danish time, Norwegian words
                          ">På dansk<", ">In English<", ">På svenska<"):
                assert shown in page.text, shown
            assert ">På norsk<" not in page.text
            danish = await client.get(f"{api}/mine", params={"token": token_of(mine),
                                                             "lang": "da"})
            assert "<h1>Mine studiebesøg</h1>" in danish.text
            assert "Føj til kalenderen" in danish.text

            receipt = next(m.message for m in to(smtp_sink.messages, JOBSEEKER)
                           if m.message["Subject"].startswith(DANISH.receipt))
            erase_url = links(receipt)["/visits/erase"].replace(settings.public_base_url, api)
            page = await client.get(erase_url)
            assert "<h1 " in page.text and "Slet mine oplysninger" in page.text
            erased = await client.post(f"{api}/visits/erase", data={
                "token": token_of(erase_url), "lang": "da"})
            assert erased.status_code == 200 and "Dine oplysninger er slettet." in erased.text
