"""The provider's page and "my study visits" in headless Chromium, opened from the links
the real worker emailed: decisions and cancellation by clicking, and axe-core finds no
accessibility violation on either page. Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from redis import Redis as SyncRedis

from core.settings import Settings
from core.visits.visit_records import VisitRecords
from devstack.mailsink import MailSink
from tests.browser.support import ROOT, graphql, run_worker_burst, screenshot
from tests.browser.test_search_page import upcoming_visit
from tests.conftest import SampleIndex
from tests.integration.visits.mail_helpers import links, token_of

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

AXE = ROOT / "tests" / "browser" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
REGISTER = """mutation($i: RegisterForStudyVisitInput!) { registerForStudyVisit(input: $i) {
  registration { id } errors { code } } }"""
REQUEST = """mutation($e: String!) { requestMyRegistrationsLink(email: $e, language: SV) {
  errors { code } } }"""


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


def test_provider_and_jobseeker_pages_work_and_are_accessible(
    browser: Browser, site: str, sample_index: SampleIndex, page_settings: Settings,
    smtp_sink: MailSink,
) -> None:
    with SyncRedis.from_url(page_settings.redis_url) as redis:
        VisitRecords(redis, page_settings.meili_index).rebuilt(sample_index.documents)
    document, visit = upcoming_visit(sample_index)
    first = _register(site, visit["id"], "Saga Sjöberg", "saga.sjoberg@example.se")
    second = _register(site, visit["id"], "Tor Lund", "tor.lund@example.se")
    run_worker_burst(page_settings)
    provider_token = _link(smtp_sink, document["contact"]["email"], "/provider")

    context = browser.new_context(base_url=site, bypass_csp=True,  # to inject axe-core
                                  viewport={"width": 1280, "height": 900},
                                  timezone_id="Europe/Stockholm")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto(f"/provider?token={provider_token}")
        assert page.get_by_role("heading", level=1).inner_text() == "Era studiebesök"
        for name in ("Saga Sjöberg", "Tor Lund"):
            assert page.get_by_role("cell", name=name, exact=True).count() == 1
        screenshot(page, "provider-page", full_page=True)
        assert _axe_violations(page) == []
        page.get_by_role("checkbox", name="Välj Saga Sjöberg").check()
        page.get_by_role("checkbox", name="Välj Tor Lund").check()
        page.get_by_role("button", name="Bekräfta valda").first.click()
        assert "Klart: 2 ändrade, 0 oförändrade." in page.locator("main").inner_text()
        page.get_by_role("link", name="Tillbaka till listan").click()
        assert page.get_by_role("cell", name="bekräftad").count() >= 2

        assert graphql(site, REQUEST, {"e": "saga.sjoberg@example.se"}) == {
            "requestMyRegistrationsLink": {"errors": []}}
        sent = len(smtp_sink.messages)
        assert graphql(site, REQUEST, {"e": "nobody.here@example.se"}) == {
            "requestMyRegistrationsLink": {"errors": []}}
        run_worker_burst(page_settings)
        assert [m.recipients for m in smtp_sink.messages[sent:]] != []
        assert all("nobody.here@example.se" not in m.recipients for m in smtp_sink.messages)
        mine_token = _link(smtp_sink, "saga.sjoberg@example.se", "/mine")
        page.goto(f"/mine?token={mine_token}")
        assert page.get_by_role("heading", level=1).inner_text() == "Mina studiebesök"
        assert document["title"] in page.locator("main").inner_text()
        assert "Tor Lund" not in page.content()
        screenshot(page, "my-study-visits", full_page=True)
        assert _axe_violations(page) == []
        page.get_by_role("button", name="Avboka").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Ditt studiebesök är avbokat."
        status = graphql(site, """query($t: String!) { myRegistrations(token: $t) {
            registrations { id status } } }""", {"t": mine_token})
        assert {r["id"]: r["status"] for r in status["myRegistrations"]["registrations"]} == {
            first: "CANCELLED"}
        assert re.fullmatch(r"[\w-]+", second)
    finally:
        context.close()
