"""The self-service pages in Danish and Norwegian (Bokmål), in headless Chromium, opened
from the links the real worker emailed for a Danish and a Norwegian course (real API,
Redis, Meilisearch, arq worker and SMTP sink).

Each provider's page opens in its country's language and confirms a registration; the
Norwegian jobseeker cancels on the cancel page and gets "my study visits" in Norwegian,
then switches it to Danish. axe-core finds no violation on any of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
import pytest
from redis import Redis as SyncRedis

from core.settings import Settings
from core.visits.visit_records import VisitRecords
from devstack.mailsink import MailSink
from tests.browser.support import graphql, run_worker_burst, screenshot
from tests.browser.test_self_service_pages import _axe_violations
from tests.conftest import MeiliServer, RedisServer, make_settings
from tests.integration.visits.mail_helpers import links, to
from tests.integration.visits.nordic_feeds import load_nordic_feeds, nordic_visit_id
from tests.live_app import serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

NORDIC_DB = 8
INDEX = "pages_nordic"
REGISTER = """mutation($i: RegisterForStudyVisitInput!) { registerForStudyVisit(input: $i) {
  registration { id } errors { code } } }"""
MINE_LINK = """mutation($e: String!) { requestMyRegistrationsLink(email: $e, language: NB) {
  errors { code } } }"""
FREJA, SIGRID = "freja.nielsen@example.dk", "sigrid.haugland@example.no"


@pytest.fixture(scope="module")
def nordic_site(meili_server: MeiliServer, redis_server: RedisServer, smtp_sink: MailSink,
                tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[tuple[str, Settings, dict[str, dict[str, Any]]]]:
    """The API over an index of the Danish and Norwegian feeds, with their visit records
    in a Redis database of its own; its base URL, settings and the feeds."""
    feeds = load_nordic_feeds(meili_server, INDEX, tmp_path_factory.mktemp("nordic-pages"))
    redis_url = f"redis://127.0.0.1:{redis_server.port}/{NORDIC_DB}"
    settings = make_settings(meili_server, redis_url, smtp_sink, MEILI_INDEX=INDEX)
    documents = httpx.get(f"{meili_server.url}/indexes/{INDEX}/documents",
                          params={"limit": 100}, timeout=10, headers={
                              "Authorization": f"Bearer {meili_server.master_key}"}
                          ).json()["results"]
    with SyncRedis.from_url(redis_url) as redis:
        redis.flushdb()
        VisitRecords(redis, INDEX).rebuilt(documents)
    with serve(settings, startup_seconds=30) as base_url:
        yield base_url, settings, feeds


def _register(site: str, visit_id: str, name: str, email: str, language: str) -> None:
    payload = graphql(site, REGISTER, {"i": {
        "visitId": visit_id, "name": name, "email": email, "language": language,
        "consent": True}})["registerForStudyVisit"]
    assert payload["errors"] == [], payload


def _path(url: str) -> str:
    """The emailed link's path and query (the page is served on the test's own port)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _last_link(sink: MailSink, address: str, path: str) -> str:
    for received in reversed(to(sink.messages, address)):
        found = links(received.message).get(path)
        if found is not None:
            return _path(found)
    raise AssertionError(f"no {path} link to the address")


def _heading(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def test_the_self_service_pages_in_danish_and_norwegian_work_and_are_accessible(
    browser: Browser, nordic_site: tuple[str, Settings, dict[str, dict[str, Any]]],
    smtp_sink: MailSink,
) -> None:
    site, settings, feeds = nordic_site
    _register(site, nordic_visit_id(feeds["da"]), "Freja Nielsen", FREJA, "DA")
    _register(site, nordic_visit_id(feeds["nb"]), "Sigrid Haugland", SIGRID, "NB")
    smtp_sink.clear()
    run_worker_burst(settings)
    danish_provider = feeds["da"]["courses"][0]["contact"]["email"]
    norwegian_provider = feeds["nb"]["courses"][0]["contact"]["email"]

    context = browser.new_context(base_url=site, bypass_csp=True,  # to inject axe-core
                                  viewport={"width": 1280, "height": 900},
                                  timezone_id="Europe/Copenhagen")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        _providers_confirm_in_their_languages(page, smtp_sink, danish_provider,
                                              norwegian_provider)
        _the_norwegian_jobseeker_cancels_and_lists(page, site, settings, smtp_sink)
    finally:
        context.close()


def _providers_confirm_in_their_languages(page: Page, sink: MailSink, danish: str,
                                          norwegian: str) -> None:
    page.goto(_last_link(sink, danish, "/provider"))
    assert _heading(page) == "Jeres studiebesøg"
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.get_by_role("cell", name="afventer svar", exact=True).count() == 1
    screenshot(page, "provider-page-da", full_page=True)
    assert _axe_violations(page) == []
    page.get_by_role("checkbox", name="Vælg Freja Nielsen").check()
    page.get_by_role("button", name="Bekræft valgte").click()
    assert "Færdig: 1 ændret, 0 uændret." in page.locator("main").inner_text()
    page.get_by_role("link", name="Tilbage til listen").click()
    assert page.get_by_role("cell", name="bekræftet", exact=True).count() == 1
    assert _axe_violations(page) == []

    page.goto(_last_link(sink, norwegian, "/provider"))
    assert _heading(page) == "Studiebesøkene deres"
    assert page.locator("html").get_attribute("lang") == "nb"
    screenshot(page, "provider-page-nb", full_page=True)
    assert _axe_violations(page) == []
    page.get_by_role("checkbox", name="Velg Sigrid Haugland").check()
    page.get_by_role("button", name="Bekreft valgte").click()
    assert "Ferdig: 1 endret, 0 uendret." in page.locator("main").inner_text()


def _the_norwegian_jobseeker_cancels_and_lists(page: Page, site: str, settings: Settings,
                                               sink: MailSink) -> None:
    run_worker_burst(settings)  # the confirmations, with their cancel links
    page.goto(_last_link(sink, SIGRID, "/visits/cancel"))
    assert _heading(page) == "Avlys studiebesøk"
    assert page.locator("html").get_attribute("lang") == "nb"
    assert "bekreftet" in page.locator("main").inner_text()
    screenshot(page, "cancel-page-nb", full_page=True)
    assert _axe_violations(page) == []
    page.get_by_role("button", name="Avlys").click()
    assert _heading(page) == "Studiebesøket ditt er avlyst."
    assert _axe_violations(page) == []

    assert graphql(site, MINE_LINK, {"e": SIGRID})["requestMyRegistrationsLink"] == {
        "errors": []}
    run_worker_burst(settings)
    page.goto(_last_link(sink, SIGRID, "/mine"))
    assert _heading(page) == "Mine studiebesøk"
    main = page.locator("main").inner_text()
    for shown in ("Kurs", "Tidspunkt", "Sted", "avlyst", "Truckfører"):
        assert shown in main, shown
    screenshot(page, "my-study-visits-nb", full_page=True)
    assert _axe_violations(page) == []
    page.get_by_role("link", name="På dansk").click()
    assert _heading(page) == "Mine studiebesøg"
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.get_by_role("button", name="Slet mine oplysninger").count() == 1
    assert _axe_violations(page) == []
