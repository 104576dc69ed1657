"""The provider's page and "my study visits" in headless Chromium, opened from the links
the real worker emailed (real API, Redis, Meilisearch, arq worker and SMTP sink).

The provider sees exactly its registrations and nothing with a tampered, expired or
foreign token; confirms two at once, withdraws one (the jobseeker gets the cancelling
.ics), marks attendance after a visit and downloads the CSV. The jobseeker asks for the
link on the reference page, sees their registrations, downloads the .ics and cancels; an
unknown address gets the same answer and no e-mail. axe-core finds no violation on either
page, in either language. Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import asyncio
import csv
import datetime
import io
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from icalendar import Calendar
from redis import Redis as SyncRedis
from redis.asyncio import Redis

from core.settings import Settings
from core.visits.models import Language, Registration, RegistrationStatus, Visit
from core.visits.provider_access import issue_provider_token
from core.visits.pseudonyms import email_digest
from core.visits.store import RegistrationStore
from core.visits.visit_records import VisitRecords
from devstack.mailsink import MailSink
from tests.browser.support import ROOT, graphql, run_worker_burst, screenshot
from tests.browser.test_search_page import upcoming_visit
from tests.conftest import SampleIndex
from tests.integration.visits.mail_helpers import calendar_of, links, to, token_of

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

pytestmark = pytest.mark.browser

AXE = ROOT / "tests" / "browser" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
REGISTER = """mutation($i: RegisterForStudyVisitInput!) { registerForStudyVisit(input: $i) {
  registration { id } errors { code } } }"""
MINE = """query($t: String!) { myRegistrations(token: $t) { registrations { id status } } }"""
SAGA, TOR, BO = "saga.sjoberg@example.se", "tor.lund@example.se", "bo.framling@example.se"
UNKNOWN = "nobody.here@example.se"


def _axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of the page as it stands (WCAG 2.1 A and AA, best practice)."""
    assert AXE.exists(), "axe-core is missing: run scripts/bootstrap.sh"
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document)).violations.map("
        "v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))}))")
    return found


def _register(site: str, visit_id: str, name: str, email: str) -> str:
    data = graphql(site, REGISTER, {"i": {
        "visitId": visit_id, "name": name, "email": email, "language": "SV", "consent": True}})
    payload = data["registerForStudyVisit"]
    assert payload["errors"] == [], payload
    registration_id: str = payload["registration"]["id"]
    return registration_id


def _link(sink: MailSink, address: str, path: str) -> str:
    for received in reversed(sink.messages):
        if address in received.recipients:
            found = links(received.message).get(path)
            if found is not None:
                return token_of(found)
    raise AssertionError(f"no {path} link to the address")


def _other_providers_visit(sample: SampleIndex, ours: dict[str, Any]
                           ) -> dict[str, Any]:
    """An upcoming visit with seats of another organisation with another contact."""
    soon = time.time() + 2 * 86_400
    for document in sample.documents:
        if (document["providerOrgNumber"] != ours["providerOrgNumber"]
                and document["contact"]["email"] != ours["contact"]["email"]):
            for visit in document["studyVisits"]:
                if visit["startTs"] > soon and visit["capacity"] >= 2:
                    return dict(visit)
    raise AssertionError("the sample has one provider only")


def _with_a_past_visit(document: dict[str, Any], visit: dict[str, Any]
                       ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The course with one more visit, two hours ago (attendance is marked after one)."""
    start = datetime.datetime.now(datetime.UTC).replace(microsecond=0) - datetime.timedelta(
        hours=2)
    past = {**visit, "id": visit["id"] + "-past", "visitId": visit["visitId"] + "-past",
            "start": start.isoformat(), "startTs": int(start.timestamp())}
    return {**document, "studyVisits": [*document["studyVisits"], past]}, past


def _store_confirmed(settings: Settings, visit: Visit, name: str, email: str) -> str:
    """A confirmed registration of a visit that has taken place, stored directly (one
    cannot register for it), on a thread with its own event loop (Playwright owns ours)."""
    now = int(time.time())
    registration = Registration(
        id="past-" + name.split()[0].lower(), status=RegistrationStatus.PENDING, visit=visit,
        name=name, email=email, phone=None, language=Language.SV, created_at=now - 86_400,
        updated_at=now - 86_400, expires_at=now + 86_400)

    async def store() -> None:
        redis = Redis.from_url(settings.redis_url)
        try:
            registrations = RegistrationStore(redis)
            await registrations.reserve(
                registration, email_digest(settings.secret_key, email), now)
            await registrations.transition(registration.id, (RegistrationStatus.PENDING,),
                                           RegistrationStatus.CONFIRMED, now)
        finally:
            await redis.aclose()

    thread = threading.Thread(target=lambda: asyncio.run(store()))
    thread.start()
    thread.join(20)
    return registration.id


def _section_of(page: Page, checkbox: str) -> Locator:
    """The visit's section holding the registration's checkbox."""
    return page.locator("section").filter(has=page.get_by_role("checkbox", name=checkbox))


def _downloaded(page: Page, link: Locator) -> bytes:
    with page.expect_download() as download:
        link.click()
    return Path(download.value.path()).read_bytes()


def test_provider_and_jobseeker_pages_work_and_are_accessible(
    browser: Browser, site: str, sample_index: SampleIndex, page_settings: Settings,
    smtp_sink: MailSink,
) -> None:
    document, visit = upcoming_visit(sample_index)
    document, past = _with_a_past_visit(document, visit)
    others = _other_providers_visit(sample_index, document)
    with SyncRedis.from_url(page_settings.redis_url) as redis:
        redis.flushdb()  # only this test's registrations on the provider's visits
        VisitRecords(redis, page_settings.meili_index).rebuilt(
            [document if d["id"] == document["id"] else d for d in sample_index.documents])
    saga = _register(site, visit["id"], "Saga Sjöberg", SAGA)
    tor = _register(site, visit["id"], "Tor Lund", TOR)
    _register(site, others["id"], "Bo Främling", BO)
    _store_confirmed(page_settings, Visit.from_document(document, past), "Kim Närvaro",
                           "kim.narvaro@example.se")
    smtp_sink.clear()
    run_worker_burst(page_settings)
    contact = document["contact"]["email"]
    provider_token = _link(smtp_sink, contact, "/provider")

    context = browser.new_context(base_url=site, bypass_csp=True,  # to inject axe-core
                                  viewport={"width": 1280, "height": 900},
                                  timezone_id="Europe/Stockholm", accept_downloads=True)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        _provider_sees_only_its_own(page, page_settings, document, provider_token)
        _provider_confirms_undoes_marks_and_downloads(
            page, page_settings, smtp_sink, provider_token, tor)
        _jobseeker_asks_sees_downloads_and_cancels(page, site, page_settings, smtp_sink,
                                                   document, saga)
        _provider_asks_for_the_link_on_the_reference_page(page, page_settings, smtp_sink,
                                                          contact)
    finally:
        context.close()


def _provider_sees_only_its_own(page: Page, settings: Settings, document: dict[str, Any],
                                token: str) -> None:
    organisation, contact = document["providerOrgNumber"], document["contact"]["email"]
    expired = issue_provider_token(settings, organisation, contact,
                                   now=time.time() - settings.provider_link_days * 86_400 - 1)
    foreign = issue_provider_token(settings, "556677-8899", contact)
    tampered = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    for bad, status in ((tampered, 400), (expired, 410), (foreign, 200)):
        response = page.goto(f"/provider?token={bad}")
        assert response is not None and response.status == status
        text = page.locator("main").inner_text()
        for name in ("Saga", "Tor", "Kim", "Bo Främling", "@example.se"):
            assert name not in text

    page.goto(f"/provider?token={token}")
    assert page.get_by_role("heading", level=1).inner_text() == "Era studiebesök"
    names = page.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert sorted(names) == ["Kim Närvaro", "Saga Sjöberg", "Tor Lund"]  # not Bo's
    assert "Bo Främling" not in page.content() and BO not in page.content()
    screenshot(page, "provider-page", full_page=True)
    assert _axe_violations(page) == []
    page.goto(f"/provider?token={token}&lang=en")
    assert page.get_by_role("heading", level=1).inner_text() == "Your study visits"
    assert _axe_violations(page) == []


def _provider_confirms_undoes_marks_and_downloads(
    page: Page, settings: Settings, sink: MailSink, token: str, tor: str,
) -> None:
    page.goto(f"/provider?token={token}")
    upcoming = _section_of(page, "Välj Saga Sjöberg")
    page.get_by_role("checkbox", name="Välj Saga Sjöberg").check()
    page.get_by_role("checkbox", name="Välj Tor Lund").check()
    upcoming.get_by_role("button", name="Bekräfta valda").click()
    assert "Klart: 2 ändrade, 0 oförändrade." in page.locator("main").inner_text()
    page.get_by_role("link", name="Tillbaka till listan").click()
    assert upcoming.get_by_role("cell", name="bekräftad", exact=True).count() == 2

    # Withdraw Tor's confirmation: Tor is e-mailed the cancelling .ics.
    page.get_by_role("checkbox", name="Välj Tor Lund").check()
    upcoming.get_by_role("button", name="Ångra bekräftelsen av valda").click()
    assert "Klart: 1 ändrade, 0 oförändrade." in page.locator("main").inner_text()
    sent = len(sink.messages)
    run_worker_burst(settings)
    [told] = [m for m in sink.messages[sent:] if TOR in m.recipients]
    ics = calendar_of(told.message)
    assert ics is not None
    calendar = Calendar.from_ical(ics)
    [event] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert str(event["UID"]).startswith(f"studyvisit-{tor}@") and event["SEQUENCE"] == 1

    # After the visit: Kim came.
    page.get_by_role("link", name="Tillbaka till listan").click()
    past = _section_of(page, "Välj Kim Närvaro")
    page.get_by_role("checkbox", name="Välj Kim Närvaro").check()
    past.get_by_role("button", name="Markera valda: kom", exact=True).click()
    assert "Klart: 1 ändrade, 0 oförändrade." in page.locator("main").inner_text()
    page.get_by_role("link", name="Tillbaka till listan").click()
    assert "Kom på besöket: 1" in past.inner_text()
    assert past.get_by_role("cell", name="Kom", exact=True).count() == 1

    rows = list(csv.DictReader(io.StringIO(_downloaded(
        page, upcoming.get_by_role("link", name="Ladda ner listan (CSV)")).decode())))
    assert [(r["name"], r["email"], r["status"]) for r in rows] == [
        ("Saga Sjöberg", SAGA, "CONFIRMED")]  # Tor's withdrawn registration is off the list
    past_rows = list(csv.DictReader(io.StringIO(_downloaded(
        page, past.get_by_role("link", name="Ladda ner listan (CSV)")).decode())))
    assert [(r["name"], r["attendance"]) for r in past_rows] == [("Kim Närvaro", "attended")]


def _jobseeker_asks_sees_downloads_and_cancels(
    page: Page, site: str, settings: Settings, sink: MailSink, document: dict[str, Any],
    saga: str,
) -> None:
    page.goto("/#/mine")
    assert page.get_by_role("heading", level=1).inner_text() == "Mina studiebesök"
    assert _axe_violations(page) == []
    sent = len(sink.messages)
    answers = []
    for address in (SAGA, UNKNOWN):  # by keyboard: type, then Enter submits
        field = page.get_by_label("Din e-postadress")
        field.fill(address)
        field.press("Enter")
        status = page.locator("#mine-status")
        status.filter(has_text="mejlat").wait_for()
        answers.append(status.inner_text())
        page.evaluate("document.getElementById('mine-status').textContent = ''")
    assert answers[0] == answers[1]  # the same answer whether or not the address is known
    screenshot(page, "my-study-visits-link-form", full_page=True)
    run_worker_burst(settings)
    assert [list(m.recipients) for m in sink.messages[sent:]] == [[SAGA]]
    assert to(sink.messages, UNKNOWN) == []

    token = _link(sink, SAGA, "/mine")
    page.goto(f"/mine?token={token}")
    assert page.get_by_role("heading", level=1).inner_text() == "Mina studiebesök"
    main = page.locator("main").inner_text()
    for shown in (document["title"], "Plats", "Tid", "bekräftad"):
        assert shown in main
    assert "Tor Lund" not in page.content() and "Kim" not in page.content()
    screenshot(page, "my-study-visits", full_page=True)
    assert _axe_violations(page) == []

    calendar = Calendar.from_ical(_downloaded(
        page, page.get_by_role("link", name="Lägg in i kalendern (.ics)")))
    [event] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "PUBLISH" and event["STATUS"] == "CONFIRMED"
    assert str(event["UID"]).startswith(f"studyvisit-{saga}@")

    page.get_by_role("button", name="Avboka").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ditt studiebesök är avbokat."
    status = graphql(site, MINE, {"t": token})
    assert status["myRegistrations"]["registrations"] == [{"id": saga, "status": "CANCELLED"}]
    page.goto(f"/mine?token={token}&lang=en")
    assert page.get_by_role("heading", level=1).inner_text() == "My study visits"
    assert page.get_by_role("button", name="Cancel").count() == 0  # cancelled already
    assert _axe_violations(page) == []


def _provider_asks_for_the_link_on_the_reference_page(
    page: Page, settings: Settings, sink: MailSink, contact: str,
) -> None:
    page.goto("/#/mine")
    page.get_by_role("button", name="In English").click()
    assert page.get_by_role("heading", level=1).inner_text() == "My study visits"
    assert _axe_violations(page) == []
    page.get_by_label("The contact person's email address").fill(contact)
    page.get_by_role("button", name="Email the link to your study visits").click()
    assert "a new link has been sent" in page.locator("main").inner_text()
    sent = len(sink.messages)
    run_worker_burst(settings)
    [mail] = [m for m in sink.messages[sent:] if m.message["Subject"] == "Era studiebesök"]
    assert list(mail.recipients) == [contact] and "/provider" in links(mail.message)
