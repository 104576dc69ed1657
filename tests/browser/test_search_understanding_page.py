"""The reference page shows what a search understood: the place chip, relaxed searches,
"did you mean" suggestions."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.support import graphql, screenshot
from tests.browser.test_search_page import expect, wait_for_total

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

UNDERSTOOD = """
query ($query: String!, $interpretPlace: Boolean!) {
  searchCourses(query: $query, interpretPlace: $interpretPlace) {
    totalCount interpretedPlace { code name } relaxation { kind } didYouMean
  }
}
"""


def understood(site: str, query: str, interpret_place: bool = True) -> dict[str, Any]:
    result: dict[str, Any] = graphql(site, UNDERSTOOD, {
        "query": query, "interpretPlace": interpret_place})["searchCourses"]
    return result


def test_a_town_in_the_text_is_a_chip_that_can_be_removed(page: Page, site: str) -> None:
    as_place, as_text = understood(site, "Stockholm"), understood(site, "Stockholm", False)
    assert as_place["interpretedPlace"] == {"code": "0180", "name": "Stockholm"}
    page.goto("/#/?query=Stockholm")
    wait_for_total(page, as_place["totalCount"])
    chip = page.locator("#understanding .place-chip")
    expect(chip).to_have_text("Kommun: Stockholm ×")
    screenshot(page, "search-place-chip")

    chip.click()
    expect(page).to_have_url(re.compile(r"#/\?query=Stockholm&place=0$"))
    wait_for_total(page, as_text["totalCount"])
    expect(chip).to_have_count(0)


def test_a_dead_end_shows_the_note_of_its_relaxed_search(page: Page, site: str) -> None:
    relaxed = understood(site, "gaffeltruck")
    assert relaxed["relaxation"] == {"kind": "OCCUPATIONS"}
    page.goto("/#/?query=gaffeltruck")
    wait_for_total(page, relaxed["totalCount"])
    expect(page.locator("#understanding .relaxed-note")).to_contain_text("Inga utbildningar "
                                                                         "matchade ”gaffeltruck”")


def test_a_dead_end_offers_did_you_mean_and_a_suggestion_searches_it(page: Page,
                                                                      site: str) -> None:
    # "tekniker" without its first letter: the end of the job titles of more occupations
    # than a relaxed search may take, and no typo Meilisearch forgives (the first letter).
    dead_end = understood(site, "ekniker")
    assert (dead_end["totalCount"], dead_end["relaxation"]) == (0, None)
    assert "eltekniker" in dead_end["didYouMean"]
    page.goto("/#/?query=ekniker")
    wait_for_total(page, 0)
    suggestions = page.locator("#understanding .did-you-mean button")
    expect(suggestions).to_have_text(dead_end["didYouMean"])
    screenshot(page, "search-did-you-mean")

    suggestions.filter(has_text="eltekniker").click()
    expect(page).to_have_url(re.compile(r"#/\?query=eltekniker$"))
    expect(page.locator("#query")).to_have_value("eltekniker")
    found = understood(site, "eltekniker")["totalCount"]
    assert found > 0
    wait_for_total(page, found)
    expect(suggestions).to_have_count(0)
