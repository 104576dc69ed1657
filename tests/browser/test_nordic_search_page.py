"""The reference search page in Danish and Norwegian over an index of Swedish, Danish and
Norwegian courses: the language switch (kept in the URL), the country filter's counts and
the region facet of the chosen country (in the course search and the visit finder) against
the API's own answers, a visit's time in its course's country's zone, the "near" picker's
Danish and Norwegian kommuner, and axe-core."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
from meilisearch import Client

from core.reference import load_reference
from devstack.mailsink import MailSink
from devstack.sample_feeds import generate_feeds
from indexer.loader import CourseIndexer
from tests.browser.support import UNLABELLED_CONTROLS, graphql, open_page, screenshot
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
    page, problems, context = open_page(browser, nordic_site, {"width": 1280, "height": 900},
                                        timezone_id="Europe/Copenhagen", bypass_csp=True)
    try:
        yield page
    finally:
        context.close()
    assert problems.errors == []

VISIT_REGIONS = """
query ($language: Language!) {
  searchStudyVisits(first: 0, facets: [REGION], language: $language) {
    facets { values { value label count } } } }"""



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

    # The visit finder's region facet: the API's labels and counts; choosing one of the
    # country's regions narrows the list to its count.
    visit_regions = {v["value"]: (v["count"], v["label"]) for v in graphql(
        nordic_site, VISIT_REGIONS, {"language": language.upper()}
    )["searchStudyVisits"]["facets"][0]["values"]}
    toggle = page.locator("#visits-REGION-toggle")
    if toggle.count():
        toggle.click()
    rows: list[list[str]] = page.locator("#visits-REGION-list li").evaluate_all(
        "rows => rows.map(r => [r.dataset.value, r.querySelector('.count').dataset.count,"
        " r.querySelector('.facet-label').textContent])")
    assert {value: (int(count), label) for value, count, label in rows} == visit_regions
    region = next(code for code in visit_regions if code.startswith(f"{country}-"))
    page.locator(f"#visits-REGION-{region}").check()
    expect(page.locator("#visits-count")).to_have_attribute("data-total",
                                                            str(visit_regions[region][0]))
    expect(page).to_have_url(re.compile(rf"#/visits\?regions={region}$"))
    expect(page.locator("#visits-active-filters .chip")).to_contain_text(visit_regions[region][1])


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


ZONES = {"SE": "Europe/Stockholm", "DK": "Europe/Copenhagen", "NO": "Europe/Oslo"}
# The reader's own zone, hours away from every Nordic one: a time shown in it, or in UTC,
# has the wrong hour.
READER_ZONE = "America/Sao_Paulo"
COURSE_WITH_VISITS = """
query ($countries: [Country!]) {
  searchCourses(query: "", filter: {countries: $countries, hasUpcomingStudyVisits: true},
                first: 1) {
    edges { node { id location { municipality { code name } } studyVisits { id start } } } } }"""
VISITS_NEAR = """
query ($near: NearInput!) {
  searchStudyVisits(query: "", near: $near, sort: DISTANCE, first: 20) {
    edges { node { id start } course { country } } } }"""


def _clock(iso: str, country: str) -> str:
    """The hour and minute of a moment in the zone of a country, e.g. "10[.:]00"."""
    local = datetime.datetime.fromisoformat(iso).astimezone(ZoneInfo(ZONES[country]))
    return f"{local:%H}[.:]{local:%M}"


def _times(page: Page, selector: str) -> list[tuple[str, str, str]]:
    """(datetime, data-time-zone, text) of the <time> elements that selector finds."""
    found: list[list[str]] = page.locator(selector).evaluate_all(
        "times => times.map(t => [t.dateTime, t.dataset.timeZone, t.textContent])")
    return [(iso, zone, text) for iso, zone, text in found]


@pytest.mark.parametrize(("language", "country"), [("da", "DK"), ("nb", "NO")])
def test_a_visit_shows_the_time_of_its_course_s_country(
        browser: Browser, nordic_site: str, language: str, country: str) -> None:
    # The three zones have had the same offsets since 1996, so no upcoming moment tells
    # them apart by its hour: each <time> names its zone, and its hour is checked in a
    # browser whose own zone is hours away.
    course = graphql(nordic_site, COURSE_WITH_VISITS,
                     {"countries": [country]})["searchCourses"]["edges"][0]["node"]
    starts = {visit["start"] for visit in course["studyVisits"]}
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=nordic_site,
                                  timezone_id=READER_ZONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(f"/?lang={language}#/course/{course['id']}")
        expect(page.locator("#course-view")).to_have_attribute("data-state", "ready")
        for selector in (".visit-list time", "#registration-form time"):
            shown = _times(page, selector)
            assert {iso for iso, _, _ in shown} == starts
            for iso, zone, text in shown:
                assert zone == ZONES[country]
                assert re.search(_clock(iso, country), text), (text, iso)

        # The result cards of the country's courses with study visits.
        page.goto(f"/?lang={language}#/?countries={country}&visits=1")
        expect(page.locator(".results")).to_have_attribute("data-state", "ready")
        shown = _times(page, ".card .visits time")
        assert shown
        for iso, zone, text in shown:
            assert zone == ZONES[country]
            assert re.search(_clock(iso, country), text), (text, iso)

        # The visit finder near the course's kommune: its visits, each in its own zone.
        near = {"municipalityCode": course["location"]["municipality"]["code"], "radiusKm": 10}
        edges = graphql(nordic_site, VISITS_NEAR, {"near": near})["searchStudyVisits"]["edges"]
        countries = {edge["node"]["id"]: edge["course"]["country"] for edge in edges}
        assert country in countries.values()
        page.goto(f"/?lang={language}#/visits")
        expect(page.locator("#visits-view")).to_have_attribute("data-state", "ready")
        page.locator("#visits-near").select_option(near["municipalityCode"])
        page.locator("#visits-radius").select_option("10")
        expect(page.locator("#visits-count")).to_have_attribute("data-total", str(len(edges)))
        expect(page.locator("#visits-view")).to_have_attribute("data-state", "ready")
        rows: list[list[str]] = page.locator("#visit-list .visit").evaluate_all(
            "rows => rows.map(r => [r.dataset.visitId, r.querySelector('time').dateTime,"
            " r.querySelector('time').dataset.timeZone, r.querySelector('time').textContent])")
        assert [row[0] for row in rows] == list(countries)
        for visit_id, iso, zone, text in rows:
            assert zone == ZONES[countries[visit_id]]
            assert re.search(_clock(iso, countries[visit_id]), text), (text, iso)
    finally:
        context.close()


PLACES = """
query ($country: Country!) { municipalities(country: $country) { code name } }"""
NEAR_COUNT = """
query ($near: NearInput!) { searchCourses(query: "", near: $near, first: 0) { totalCount } }"""
COUNTRY_NAMES = {"DK": "Danmark", "NO": "Norge"}  # in Danish and in Norwegian


@pytest.mark.parametrize(("language", "country", "other"), [("da", "DK", "NO"),
                                                          ("nb", "NO", "DK")])
def test_the_near_picker_offers_danish_and_norwegian_kommuner(
        nordic_page: Page, nordic_site: str, language: str, country: str, other: str) -> None:
    page = nordic_page
    own = {m["code"]: m["name"]
           for m in graphql(nordic_site, PLACES, {"country": country})["municipalities"]}
    theirs = graphql(nordic_site, PLACES, {"country": other})["municipalities"]
    total = facets(nordic_site, language.upper())[0]
    page.goto(f"/?lang={language}#/")
    ready(page, total)
    picker = page.get_by_role("group", name="Nær en kommune").get_by_label("Kommune", exact=True)
    groups: list[str] = picker.locator("optgroup").evaluate_all(
        "groups => groups.map(g => g.label)")
    # The page's country first, then the others: every kommune of the three countries.
    assert groups[0].startswith(f"{COUNTRY_NAMES[country]}: ")
    options: dict[str, str] = dict(picker.locator("option").evaluate_all(
        "options => options.map(o => [o.value, o.textContent])"))
    assert {code: options[code] for code in own} == own
    assert all(m["code"] in options for m in theirs)
    assert "1280" in options  # Malmö: a Swedish place may be near a Danish course

    # By keyboard: the first kommune of the page's country is one arrow down.
    picker.focus()
    page.keyboard.press("ArrowDown")
    first = picker.locator("optgroup").first.locator("option").first.get_attribute("value")
    assert first is not None and first.startswith(f"{country}-")
    expect(picker).to_have_value(first)
    expect(page).to_have_url(re.compile(rf"near={first}"))
    near = {"municipalityCode": first, "radiusKm": 50}  # the page's default radius
    ready(page, graphql(nordic_site, NEAR_COUNT, {"near": near})["searchCourses"]["totalCount"])
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    assert _axe_violations(page) == []

    # The country filter's country comes first, whatever the language.
    page.goto(f"/?lang={language}#/?countries={other}")
    expect(picker.locator("optgroup").first).to_have_attribute(
        "label", re.compile(f"^{COUNTRY_NAMES[other]}: "))
