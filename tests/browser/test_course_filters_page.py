"""The course search's range filters, facet-value search and filter chips in headless
Chromium, checked against the API's own answers; and axe-core on the course search and the
visit finder in both languages."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.support import UNLABELLED_CONTROLS, graphql
from tests.browser.test_search_page import expect
from tests.browser.test_self_service_pages import _axe_violations
from tests.conftest import SampleIndex

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

COUNT = """query ($filter: CourseFilterInput) {
  searchCourses(query: "", filter: $filter, first: 0) { totalCount } }"""
FACET_VALUES = """query ($attribute: FacetAttribute!, $text: String!, $filter: CourseFilterInput) {
  facetValues(attribute: $attribute, text: $text, filter: $filter, first: 10) {
    value label count } }"""


def total(site: str, course_filter: dict[str, Any]) -> int:
    count: int = graphql(site, COUNT, {"filter": course_filter})["searchCourses"]["totalCount"]
    return count


def shown_total(page: Page, count: int) -> None:
    expect(page.locator("#result-count")).to_have_attribute("data-total", str(count))
    expect(page.locator("#results").locator("xpath=..")).to_have_attribute("data-state", "ready")


def chips(page: Page) -> list[str]:
    texts: list[str] = page.locator("#active-filters .chip > span:first-child").all_text_contents()
    return texts


def test_range_filters_apply_show_chips_and_are_removed_by_keyboard(
        page: Page, site: str, sample_index: SampleIndex) -> None:
    # a free course with a fixed start: the filters below all keep it
    course = next(d for d in sample_index.documents
                  if d["isFree"] and d["startDate"] and d["minimumAge"] <= 20)
    start = datetime.datetime.fromtimestamp(course["startDate"], datetime.UTC).date()
    first_day = (start - datetime.timedelta(days=10)).isoformat()
    last_day = (start + datetime.timedelta(days=60)).isoformat()
    weeks = str(course["durationWeeks"] + 5)
    page.goto("/#/")
    shown_total(page, total(site, {}))

    page.get_by_label("Tidigast", exact=True).fill(first_day)
    page.get_by_label("Senast", exact=True).fill(last_day)
    dates = {"startDate": {"from": first_day, "to": last_day}}
    shown_total(page, total(site, dates))
    page.get_by_label("Högst", exact=True).fill(weeks)
    page.keyboard.press("Tab")
    weeks_filter = {**dates, "durationWeeks": {"max": int(weeks)}}
    shown_total(page, total(site, weeks_filter))
    page.get_by_label("Din ålder", exact=True).fill("20")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the next control: "only free of charge"
    every = {**weeks_filter, "eligibleAtAge": 20, "freeOfCharge": True}
    expected = total(site, every)
    assert expected >= 1
    shown_total(page, expected)
    if expected <= 20:  # all on the first page
        expect(page.locator(f"[data-course-id='{course['id']}']")).to_have_count(1)
    expect(page).to_have_url(re.compile(
        rf"from={first_day}&to={last_day}&weeksMax={weeks}&age=20&free=1$"))
    assert chips(page) == [f"Startar tidigast {_page_date(page, first_day)}",
                           f"Startar senast {_page_date(page, last_day)}",
                           f"Högst {weeks} veckor", "Öppen för 20 år", "Avgiftsfri"]

    # a reversed range is named and not applied
    page.get_by_label("Minst", exact=True).fill(str(int(weeks) + 1))
    page.keyboard.press("Tab")
    expect(page.locator("#range-weeks-error")).to_be_visible()
    expect(page).not_to_have_url(re.compile("weeksMin"))

    # removing a chip by keyboard: the filter goes, the count follows, focus to the results
    page.get_by_role("button", name="Ta bort filtret Avgiftsfri").focus()
    page.keyboard.press("Enter")
    shown_total(page, total(site, {k: v for k, v in every.items() if k != "freeOfCharge"}))
    expect(page.locator("#results-heading")).to_be_focused()
    expect(page.locator("#range-free")).not_to_be_checked()
    assert "Avgiftsfri" not in chips(page)
    page.get_by_role("button", name="Rensa alla filter").press("Enter")
    shown_total(page, total(site, {}))
    assert chips(page) == []
    expect(page.get_by_label("Tidigast", exact=True)).to_have_value("")


def _page_date(page: Page, day: str) -> str:
    """A date as the page writes it (its own formatter, e.g. "14 dec. 2026")."""
    text: str = page.evaluate(
        "day => import('/static/i18n.js').then(m => m.formatDate(day))", day)
    return text


def test_facet_value_search_finds_values_of_the_long_lists(
        page: Page, site: str, sample_index: SampleIndex) -> None:
    word = next(w for f in sample_index.feeds for w in f["provider"]["name"].split()
                if len(w) > 4)
    typed = word[:4]
    providers = graphql(site, FACET_VALUES, {"attribute": "PROVIDER", "text": typed}
                        )["facetValues"]
    assert providers
    page.goto("/#/")
    shown_total(page, total(site, {}))
    page.get_by_role("searchbox", name="Sök utbildningsanordnare").fill(typed)
    rows = page.locator("#facet-PROVIDER-list li")
    expect(rows).to_have_count(len(providers))
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.value)") == [
        p["value"] for p in providers]
    expect(page.locator("#facet-PROVIDER-found")).to_have_text(
        f"{len(providers)} träffar" if len(providers) != 1 else "1 träff")
    chosen = providers[0]
    page.locator(f"#facet-PROVIDER-list input[value='{chosen['value']}']").check()
    shown_total(page, chosen["count"])
    assert chips(page) == [f"Utbildningsanordnare: {chosen['label']}"]

    # municipalities, counted within the provider chosen
    municipalities = graphql(site, FACET_VALUES, {
        "attribute": "MUNICIPALITY", "text": "s",
        "filter": {"providers": [chosen["value"]]}})["facetValues"]
    search_field = page.get_by_role("searchbox", name="Sök kommun")
    search_field.fill("s")
    expect(page.locator("#facet-MUNICIPALITY-list li")).to_have_count(len(municipalities))
    counts = page.locator("#facet-MUNICIPALITY-list .count").evaluate_all(
        "cells => cells.map(c => Number(c.dataset.count))")
    assert counts == [m["count"] for m in municipalities]
    search_field.fill("zzqx")
    expect(page.locator("#facet-MUNICIPALITY-found")).to_have_text("Inga träffar")
    search_field.fill("")
    expect(page.locator("#facet-MUNICIPALITY-list li").first).to_be_visible()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_axe_finds_nothing_on_the_course_search_and_the_visit_finder(
        axe_page: Page, language: str) -> None:
    page = axe_page
    page.goto("/#/?query=svetsare&regions=01&from=2026-01-01&weeksMax=40&age=30&free=1")
    if language == "en":
        page.get_by_role("button", name="In English").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Search labour market training")
        expect(page.get_by_label("Earliest", exact=True)).to_have_value("2026-01-01")
    expect(page.locator("#results").locator("xpath=..")).to_have_attribute("data-state", "ready")
    page.locator("#facet-MUNICIPALITY-search").fill("a")
    expect(page.locator("#facet-MUNICIPALITY-found")).not_to_have_text("")
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    assert _axe_violations(page) == []

    page.goto("/#/visits")
    expect(page.locator("#visits-view")).to_have_attribute("data-state", "ready")
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    assert _axe_violations(page) == []
    if language == "en":
        page.get_by_role("button", name="På svenska").click()  # the next test starts in Swedish
