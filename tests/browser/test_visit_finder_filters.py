"""The visit finder's filters in headless Chromium, checked against the API's own answers:
region and municipality facets with their counts, a date range, "only open for
registration", the filters kept in the URL (reload, back and forward), "load more" without
facets, the keyboard, and axe-core in Swedish, English and Danish."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.support import UNLABELLED_CONTROLS, graphql, screenshot
from tests.browser.test_search_page import expect
from tests.browser.test_self_service_pages import _axe_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request

pytestmark = pytest.mark.browser

SEARCH = """
query ($filter: StudyVisitSearchFilterInput) {
  searchStudyVisits(filter: $filter, first: 100,
                    facets: [REGION, MUNICIPALITY, TIME_OF_DAY, WEEKDAY]) {
    totalCount
    facets { attribute values { value label count } }
    edges { node { start } course { country } }
  }
}
"""
SWEDEN = ZoneInfo("Europe/Stockholm")


def visits(site: str, visit_filter: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = graphql(site, SEARCH, {"filter": visit_filter or {}})[
        "searchStudyVisits"]
    return answer


def facet(answer: dict[str, Any], attribute: str) -> dict[str, int]:
    (found,) = [f for f in answer["facets"] if f["attribute"] == attribute]
    return {v["value"]: v["count"] for v in found["values"]}


def shown_total(page: Page, total: int) -> None:
    expect(page.locator("#visits-count")).to_have_attribute("data-total", str(total))
    expect(page.locator("#visits-view")).to_have_attribute("data-state", "ready")


def expect_facet_counts(page: Page, attribute: str, counts: dict[str, int]) -> None:
    """Every value the page lists for the facet shows the API's count."""
    rows = page.locator(f"#visits-{attribute}-list li")
    shown = rows.evaluate_all(
        "rows => rows.map(r => [r.dataset.value, r.querySelector('.count').dataset.count])")
    assert shown
    assert {value: int(count) for value, count in shown} == {
        value: counts[value] for value, _ in shown}


def busiest_region_and_week(site: str) -> tuple[str, str, str]:
    """The region with the most visits, and the Swedish calendar week of its first visit."""
    regions = facet(visits(site), "REGION")
    region = max(regions, key=lambda code: regions[code])
    first = visits(site, {"regions": [region]})["edges"][0]["node"]["start"]
    start = datetime.fromisoformat(first).astimezone(SWEDEN).date()
    return region, start.isoformat(), (start + timedelta(days=6)).isoformat()


def test_region_and_dates_narrow_the_list_as_the_api_and_the_url_keeps_them(
        page: Page, site: str) -> None:
    page.goto("/#/visits")
    everything = visits(site)
    shown_total(page, everything["totalCount"])
    expect_facet_counts(page, "REGION", facet(everything, "REGION"))

    region, start, end = busiest_region_and_week(site)
    page.locator(f"#visits-REGION-{region}").check()
    in_region = visits(site, {"regions": [region]})
    shown_total(page, in_region["totalCount"])
    assert in_region["totalCount"] == facet(everything, "REGION")[region]
    expect_facet_counts(page, "REGION", facet(in_region, "REGION"))  # disjunctive: unchanged
    expect_facet_counts(page, "MUNICIPALITY", facet(in_region, "MUNICIPALITY"))

    page.locator("#visits-from").fill(start)
    page.locator("#visits-to").fill(end)
    narrowed_filter = {"regions": [region], "dates": {"from": start, "to": end}}
    narrowed = visits(site, narrowed_filter)
    shown_total(page, narrowed["totalCount"])
    assert 0 < narrowed["totalCount"] < in_region["totalCount"]
    days = {datetime.fromisoformat(e["node"]["start"]).astimezone(SWEDEN).date()
            for e in narrowed["edges"]}
    assert min(days) >= date.fromisoformat(start) and max(days) <= date.fromisoformat(end)
    expect_facet_counts(page, "REGION", facet(narrowed, "REGION"))
    expect_facet_counts(page, "MUNICIPALITY", facet(narrowed, "MUNICIPALITY"))
    expect(page).to_have_url(re.compile(rf"#/visits\?regions={region}&from={start}&to={end}$"))
    chips = page.locator("#visits-active-filters .chip")
    expect(chips).to_have_count(3)
    screenshot(page, "visit-finder-filters", full_page=True)

    page.reload()
    shown_total(page, narrowed["totalCount"])
    expect(page.locator(f"#visits-REGION-{region}")).to_be_checked()
    expect(page.locator("#visits-from")).to_have_value(start)
    expect(page.locator("#visits-to")).to_have_value(end)

    page.locator("#visit-list li.visit a").first.click()
    expect(page.locator("#course-view h1")).to_be_focused()
    page.go_back()
    shown_total(page, narrowed["totalCount"])
    expect(page.locator(f"#visits-REGION-{region}")).to_be_checked()
    page.go_forward()
    expect(page.locator("#course-view h1")).to_be_visible()
    page.go_back()
    shown_total(page, narrowed["totalCount"])

    page.locator("#visits-clear-filters").click()
    shown_total(page, everything["totalCount"])
    expect(page).to_have_url(re.compile(r"#/visits$"))


def test_the_new_controls_work_from_the_keyboard(page: Page, site: str) -> None:
    region, start, end = busiest_region_and_week(site)
    page.goto("/#/visits")
    shown_total(page, visits(site)["totalCount"])

    checkbox = page.locator(f"#visits-REGION-{region}")
    checkbox.focus()
    page.keyboard.press("Space")
    shown_total(page, visits(site, {"regions": [region]})["totalCount"])
    expect(checkbox).to_be_focused()  # the list was rebuilt around it
    page.keyboard.press("Tab")  # the next control is reachable and takes focus
    expect(page.locator("#visits-view :focus")).to_have_count(1)

    page.locator("#visits-open").focus()
    page.keyboard.press("Space")
    open_filter = {"regions": [region], "onlyOpenForRegistration": True}
    shown_total(page, visits(site, open_filter)["totalCount"])
    expect(page).to_have_url(re.compile(r"open=1"))

    # A range the wrong way round is named and not applied.
    page.locator("#visits-from").fill(end)
    page.locator("#visits-to").fill(start)
    expect(page.locator("#visits-dates-error")).to_be_visible()
    expect(page.locator("#visits-to")).to_have_attribute("aria-describedby", "visits-dates-error")
    expect(page).not_to_have_url(re.compile(r"to="))
    page.locator("#visits-to").fill("")

    chip = page.locator("#visits-active-filters .chip").first
    chip.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#visits-results-heading")).to_be_focused()
    shown_total(page, visits(site, {"onlyOpenForRegistration": True,
                                    "dates": {"from": end}})["totalCount"])
    expect(checkbox).not_to_be_checked()


def test_load_more_asks_for_no_facets(page: Page, site: str) -> None:
    sent: list[dict[str, Any]] = []

    def remember(request: Request) -> None:
        if request.url.endswith("/graphql") and "SearchStudyVisits" in (request.post_data or ""):
            sent.append(json.loads(request.post_data or "{}")["variables"])

    page.on("request", remember)
    page.goto("/#/visits")
    total = visits(site)["totalCount"]
    shown_total(page, total)
    assert total > 20
    page.get_by_role("button", name="Visa fler").click()
    expect(page.locator("#visit-list li.visit")).to_have_count(min(total, 40))
    first, more = sent[0], sent[-1]
    assert first["withFacets"] is True and "REGION" in first["facets"]
    assert more["withFacets"] is False and more["facets"] == [] and more["after"]
    expect(page.locator("#visits-REGION-list li").first).to_be_visible()  # still shown


@pytest.mark.parametrize(("language", "button", "heading", "open_label"), [
    ("sv", None, "Studiebesök", "Bara öppna för anmälan"),
    ("en", "In English", "Study visits", "Only open for registration"),
    ("da", "På dansk", "Studiebesøg", "Kun åbne for tilmelding"),
])
def test_axe_finds_nothing_on_the_visit_finder_with_filters_set(
        axe_page: Page, site: str, language: str, button: str | None, heading: str,
        open_label: str) -> None:
    page = axe_page
    region, start, end = busiest_region_and_week(site)
    page.goto(f"/#/visits?regions={region}&from={start}&to={end}&times=MORNING&open=1")
    if button:
        page.get_by_role("button", name=button).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("checkbox", name=open_label)).to_be_checked()
    shown_total(page, visits(site, {"regions": [region], "dates": {"from": start, "to": end},
                                    "timesOfDay": ["MORNING"],
                                    "onlyOpenForRegistration": True})["totalCount"])
    expect(page).to_have_url(re.compile(rf"lang={language}#/visits\?regions={region}"))
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    assert _axe_violations(page) == []
