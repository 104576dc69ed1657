"""The reference search page in Danish and Norwegian over an index of Swedish, Danish and
Norwegian courses: the language switch (kept in the URL), the country filter's counts and
the region facet of the chosen country against the API's own answers, and axe-core."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from meilisearch import Client

from core.reference import load_reference
from devstack.mailsink import MailSink
from devstack.sample_feeds import generate_feeds
from indexer.loader import CourseIndexer
from tests.browser.support import UNLABELLED_CONTROLS, graphql, screenshot
from tests.browser.test_search_page import expect
from tests.browser.test_self_service_pages import _axe_violations
from tests.conftest import MeiliServer, RedisServer, make_settings
from tests.live_app import serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

FACETS = """
query ($filter: CourseFilterInput, $facets: [FacetAttribute!], $language: Language!) {
  searchCourses(query: "", filter: $filter, first: 0, facets: $facets, language: $language) {
    totalCount facets { attribute values(first: 300) { value label count } } } }"""


@pytest.fixture(scope="module")
def nordic_site(meili_server: MeiliServer, redis_server: RedisServer, smtp_sink: MailSink,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API and page over an index of Swedish, Danish and Norwegian sample courses."""
    settings = make_settings(meili_server, redis_server.url, smtp_sink)
    folder: Path = tmp_path_factory.mktemp("nordic-page-feeds")
    paths = []
    feeds = generate_feeds(providers=10, courses=120, today=datetime.date.today(),
                           nordic_share=0.4)
    for number, feed in enumerate(feeds):
        path = folder / f"{number:03d}.json"
        path.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    summary = CourseIndexer(Client(settings.meili_url, settings.meili_master_key),
                            settings.meili_index, load_reference(), 120).rebuild(paths)
    assert summary.rejected == 0
    with serve(settings, startup_seconds=30) as base_url:
        yield base_url


@pytest.fixture
def nordic_page(browser: Browser, nordic_site: str) -> Iterator[Page]:
    """A desktop window that lets axe-core's script in; script errors fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=nordic_site,
                                  timezone_id="Europe/Copenhagen", bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    try:
        yield page
    finally:
        context.close()
    assert errors == []


def facets(site: str, language: str, course_filter: dict[str, Any] | None = None
           ) -> tuple[int, dict[str, dict[str, tuple[int, str]]]]:
    result = graphql(site, FACETS, {"filter": course_filter, "language": language,
                                    "facets": ["COUNTRY", "REGION"]})["searchCourses"]
    return result["totalCount"], {
        f["attribute"]: {v["value"]: (v["count"], v["label"]) for v in f["values"]}
        for f in result["facets"]}


def shown(page: Page, attribute: str) -> dict[str, tuple[int, str]]:
    rows: list[list[str]] = page.locator(f"#facet-{attribute} li").evaluate_all(
        "rows => rows.map(r => [r.dataset.value, r.querySelector('.count').dataset.count,"
        " r.querySelector('.facet-label').textContent])")
    return {value: (int(count), label) for value, count, label in rows}


def ready(page: Page, total: int) -> None:
    expect(page.locator("#result-count")).to_have_attribute("data-total", str(total))
    expect(page.locator(".results")).to_have_attribute("data-state", "ready")


@pytest.mark.parametrize(("language", "country", "title", "country_name"), [
    ("da", "DK", "Søg arbejdsmarkedsuddannelser", "Danmark"),
    ("nb", "NO", "Søk arbeidsmarkedskurs", "Norge"),
])
def test_the_country_filter_in_danish_and_norwegian(
        nordic_page: Page, nordic_site: str, language: str, country: str, title: str,
        country_name: str) -> None:
    page = nordic_page
    total, counted = facets(nordic_site, language.upper())
    assert set(counted["COUNTRY"]) == {"SE", "DK", "NO"}
    page.goto(f"/?lang={language}#/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    ready(page, total)
    assert shown(page, "COUNTRY") == counted["COUNTRY"]
    assert counted["COUNTRY"][country][1] == country_name

    page.get_by_label(re.compile(f"^{country_name}")).check()
    chosen_total, chosen = facets(nordic_site, language.upper(), {"countries": [country]})
    ready(page, chosen_total)
    assert chosen_total == counted["COUNTRY"][country][0]
    expect(page).to_have_url(re.compile(rf"\?lang={language}#/\?countries={country}$"))
    regions = shown(page, "REGION")
    assert regions and regions == {
        value: counts for value, counts in list(chosen["REGION"].items())[:len(regions)]}
    assert all(value.startswith(f"{country}-") for value in regions)
    screenshot(page, f"nordic-{language}")

    assert page.evaluate(UNLABELLED_CONTROLS) == []
    assert _axe_violations(page) == []
    page.goto(f"/?lang={language}#/visits")
    expect(page.locator("#visits-view")).to_have_attribute("data-state", "ready")
    assert _axe_violations(page) == []


def test_the_language_switch_keeps_its_choice_in_the_url_and_works_by_keyboard(
        nordic_page: Page, nordic_site: str) -> None:
    page = nordic_page
    page.goto("/#/?countries=NO")
    norwegian_total = facets(nordic_site, "SV", {"countries": ["NO"]})[0]
    ready(page, norwegian_total)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    page.get_by_role("button", name="På norsk").click()
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("button", name="På norsk")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="På norsk")).to_be_focused()
    expect(page).to_have_url(re.compile(r"\?lang=nb#/\?countries=NO$"))
    expect(page.locator("#facet-COUNTRY legend")).to_have_text("Land")
    expect(page.locator("label[for='facet-COUNTRY-NO'] .facet-label")).to_have_text("Norge")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    ready(page, norwegian_total)

    # One tab stop for the switch; the arrow keys move to the other languages.
    page.get_by_role("button", name="På norsk").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("button", name="In English")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("button", name="På svenska")).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_role("heading", level=1)).to_have_text("Søg arbejdsmarkedsuddannelser")
    expect(page).to_have_url(re.compile(r"\?lang=da#/\?countries=NO$"))
    assert page.locator("#language-switch button[tabindex='0']").count() == 1
