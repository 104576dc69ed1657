"""The provider's view (#/provider?token=…) and the jobseeker's list (#/mine?token=…) of
the reference page, in headless Chromium against the real API, Redis and Meilisearch.

The provider sees exactly its registrations, reaches every control by the keyboard and
confirms two at once; the jobseeker sees their registration and cancels it by the
keyboard; both are checked through the API afterwards. Each view is axe-core clean in
Swedish and English, the provider's in Norwegian and the jobseeker's in Danish too; a
tampered token shows an alert and no one's data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from redis import Redis as SyncRedis

from core.settings import Settings
from core.visits.my_registrations import issue_my_token
from core.visits.provider_access import issue_provider_token
from core.visits.pseudonyms import email_digest
from core.visits.visit_records import VisitRecords
from tests.browser.support import graphql, screenshot
from tests.browser.test_search_page import upcoming_visit
from tests.browser.test_self_service_pages import (
    _axe_violations,
    _other_providers_visit,
    _register,
)
from tests.conftest import SampleIndex

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

pytestmark = pytest.mark.browser

SAGA, TOR, BO = "saga.vy@example.se", "tor.vy@example.se", "bo.vy@example.se"
PROVIDER = """query($t: String!) { providerStudyVisits(token: $t) { result visits {
  registrations { id name status } } } }"""
MINE = """query($t: String!) { myRegistrations(token: $t) { result registrations {
  id status } } }"""


def _tab_stops(page: Page, start: Locator, presses: int = 20) -> list[str]:
    """What Tab reaches from the element `start` on, each as its accessible label or text."""
    start.focus()
    stops = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(
            "() => { const e = document.activeElement; return e.getAttribute('aria-label')"
            " || (e.labels && e.labels[0] ? e.labels[0].textContent : e.textContent).trim() }"))
    return stops


def _open(page: Page, path: str, heading: str) -> None:
    page.goto(path)
    page.get_by_role("heading", level=1, name=heading).wait_for()
    page.locator("main section:not([hidden])[data-state=ready]").wait_for()


def test_provider_and_jobseeker_views_act_by_keyboard_and_are_accessible(
    browser: Browser, site: str, sample_index: SampleIndex, page_settings: Settings,
) -> None:
    document, visit = upcoming_visit(sample_index)
    others = _other_providers_visit(sample_index, document)
    with SyncRedis.from_url(page_settings.redis_url) as redis:
        redis.flushdb()  # only this test's registrations on the provider's visits
        VisitRecords(redis, page_settings.meili_index).rebuilt(sample_index.documents)
    saga = _register(site, visit["id"], "Saga Vy", SAGA)
    tor = _register(site, visit["id"], "Tor Vy", TOR)
    _register(site, others["id"], "Bo Annan", BO)
    provider_token = issue_provider_token(page_settings, document["providerOrgNumber"],
                                          document["contact"]["email"])
    my_token = issue_my_token(page_settings, email_digest(page_settings.secret_key, SAGA))

    context = browser.new_context(base_url=site, bypass_csp=True,  # to inject axe-core
                                  viewport={"width": 1280, "height": 900},
                                  timezone_id="Europe/Stockholm")
    context.set_default_timeout(15_000)
    problems: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(str(error)))
        _provider_confirms_two(page, site, provider_token, saga, tor)
        _jobseeker_cancels(page, site, document, my_token, saga)
    finally:
        context.close()
    assert problems == []


def _statuses(site: str, token: str) -> dict[str, str]:
    answer: dict[str, Any] = graphql(site, PROVIDER, {"t": token})["providerStudyVisits"]
    return {r["name"]: r["status"] for v in answer["visits"] for r in v["registrations"]}


def _provider_confirms_two(page: Page, site: str, token: str, saga: str, tor: str) -> None:
    _open(page, f"/#/provider?token={token[:-3]}xyz", "Era studiebesök")
    assert "Länken är inte giltig" in page.get_by_role("alert").inner_text()
    assert "Saga" not in page.locator("main").inner_text()

    _open(page, f"/#/provider?token={token}", "Era studiebesök")
    view = page.locator("#provider-view")
    names = view.locator("td[data-column=name]").all_inner_texts()
    assert sorted(names) == ["Saga Vy", "Tor Vy"]  # not another provider's Bo
    assert "Bo Annan" not in page.content()
    ours = view.locator("section").filter(has=page.get_by_role("checkbox", name="Välj Saga Vy"))
    csv = ours.get_by_role("link", name="Ladda ner listan (CSV)").get_attribute("href")
    assert csv is not None and csv.startswith("/provider/visit.csv?")
    assert _axe_violations(page) == []
    screenshot(page, "provider-view", full_page=True)

    stops = _tab_stops(page, ours.get_by_role("heading", level=2))
    for control in ("Välj Saga Vy", "Välj Tor Vy", "Bekräfta: Saga Vy", "Tacka nej: Tor Vy",
                    "Skäl till nej", "Bekräfta valda", "Tacka nej till valda",
                    "Ångra bekräftelsen av valda", "Ladda ner listan (CSV)"):
        assert control in stops, (control, stops)

    for name in ("Välj Saga Vy", "Välj Tor Vy"):  # check both, then confirm, by keyboard
        page.get_by_role("checkbox", name=name).focus()
        page.keyboard.press("Space")
    page.get_by_role("button", name="Bekräfta valda").focus()
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Klart: 2 ändrade, 0 oförändrade.").wait_for()
    page.locator("#provider-view[data-state=ready]").wait_for()
    assert _statuses(site, token) == {"Saga Vy": "CONFIRMED", "Tor Vy": "CONFIRMED"}
    assert view.locator("td[data-column=status]").all_inner_texts() == ["bekräftad"] * 2
    assert page.get_by_role("button", name="Ångra bekräftelsen: Saga Vy").is_visible()

    page.get_by_role("button", name="In English").click()
    page.get_by_role("heading", level=1, name="Your study visits").wait_for()
    page.locator("#provider-view[data-state=ready]").wait_for()
    assert view.locator("td[data-column=status]").all_inner_texts() == ["confirmed"] * 2
    assert view.get_by_role("columnheader", name="Reference").count() == 1
    assert _axe_violations(page) == []

    _open(page, f"/?lang=nb#/provider?token={token}", "Studiebesøkene deres")
    assert view.locator("td[data-column=status]").all_inner_texts() == ["bekreftet"] * 2
    assert _axe_violations(page) == []
    page.get_by_role("button", name="På svenska").click()


def _jobseeker_cancels(page: Page, site: str, document: dict[str, Any], token: str,
                       saga: str) -> None:
    _open(page, f"/#/mine?token={token}", "Mina studiebesök")
    item = page.locator(f"[data-registration-id='{saga}']")
    text = item.inner_text()
    for shown in (document["title"], "Tid", "Plats", "bekräftad"):
        assert shown in text
    assert "Tor Vy" not in page.content()
    ics = item.get_by_role("link", name="Lägg in i kalendern (.ics)").get_attribute("href")
    assert ics is not None and ics.startswith("/mine/visit.ics?")
    assert _axe_violations(page) == []
    screenshot(page, "my-study-visits-view", full_page=True)

    stops = _tab_stops(page, page.locator("#mine-title"), presses=3)
    assert stops[:3] == ["Lägg in i kalendern (.ics)", "Avboka", "Ta bort mina uppgifter"]
    page.get_by_role("button", name="Avboka").focus()
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Ditt studiebesök är avbokat.").wait_for()
    answer = graphql(site, MINE, {"t": token})["myRegistrations"]
    assert answer == {"result": "DONE", "registrations": [{"id": saga, "status": "CANCELLED"}]}
    page.locator("#mine-view[data-state=ready]").wait_for()
    assert "avbokad" in item.inner_text()
    assert page.get_by_role("button", name="Avboka").count() == 0

    page.get_by_role("button", name="In English").click()
    page.get_by_role("heading", level=1, name="My study visits").wait_for()
    page.locator("#mine-view[data-state=ready]").wait_for()
    assert "cancelled" in item.inner_text()
    assert _axe_violations(page) == []

    _open(page, f"/?lang=da#/mine?token={token}", "Mine studiebesøg")
    assert "aflyst" in item.inner_text()
    assert _axe_violations(page) == []
