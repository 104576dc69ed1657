"""The visit finder (#/visits) in headless Chromium, checked against the API's answers:
counts, grouping by day, filters, distance, inline registration, English; and the skip
link of the course page."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.support import CONTRAST_CHECK, UNLABELLED_CONTROLS, graphql, screenshot
from tests.browser.test_search_page import expect
from tests.conftest import SampleIndex

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

SEARCH = """
query ($filter: StudyVisitSearchFilterInput, $near: NearInput, $sort: StudyVisitSort!) {
  searchStudyVisits(filter: $filter, near: $near, sort: $sort, first: 20,
                    facets: [TIME_OF_DAY, WEEKDAY]) {
    totalCount
    facets { attribute values { value count } }
    edges { distanceKm node { id start seatsLeft } }
  }
}
"""
SWEDEN = ZoneInfo("Europe/Stockholm")


def visits(site: str, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = graphql(site, SEARCH, {"sort": "START_TIME", **variables})[
        "searchStudyVisits"]
    return result


def wait_for_total(page: Page, total: int) -> None:
    expect(page.locator("#visits-count")).to_have_attribute("data-total", str(total))
    expect(page.locator("#visits-view")).to_have_attribute("data-state", "ready")


def expect_counts(page: Page, answer: dict[str, Any]) -> None:
    """Each time of day and weekday shows the API's disjunctive count (0 when absent)."""
    names = {"TIME_OF_DAY": "times", "WEEKDAY": "weekdays"}
    for facet in answer["facets"]:
        counts = {v["value"].upper(): v["count"] for v in facet["values"]}
        choices = (["MORNING", "AFTERNOON", "EVENING"] if facet["attribute"] == "TIME_OF_DAY"
                   else [str(day) for day in range(1, 8)])
        for value in choices:
            expect(page.locator(f"#visits-{names[facet['attribute']]}-{value}-count")
                   ).to_have_attribute("data-count", str(counts.get(value, 0)))


def test_visits_grouped_by_day_with_filters_and_distance(page: Page, site: str) -> None:
    page.goto("/#/visits")
    expect(page.get_by_role("heading", level=1)).to_have_text("Studiebesök")
    answer = visits(site)
    wait_for_total(page, answer["totalCount"])
    ids = page.locator("#visit-list li.visit").evaluate_all(
        "items => items.map(i => i.dataset.visitId)")
    assert ids == [e["node"]["id"] for e in answer["edges"]]
    from datetime import datetime
    days = Counter(datetime.fromisoformat(e["node"]["start"]).astimezone(SWEDEN).date()
                   for e in answer["edges"])
    expect(page.locator("#visit-list h3")).to_have_count(len(days))
    expect_counts(page, answer)

    page.get_by_role("checkbox", name=re.compile("^Förmiddag")).check()
    page.get_by_role("checkbox", name="Bara med lediga platser").check()
    filtered = visits(site, filter={"timesOfDay": ["MORNING"], "onlyWithSeatsLeft": True})
    wait_for_total(page, filtered["totalCount"])
    assert filtered["totalCount"] < answer["totalCount"]
    expect_counts(page, filtered)  # the times of day still count as if none were chosen

    page.locator("#visits-near").select_option("1280")
    near = {"municipalityCode": "1280", "radiusKm": 50}
    nearby = visits(site, filter={"timesOfDay": ["MORNING"], "onlyWithSeatsLeft": True},
                    near=near, sort="DISTANCE")
    wait_for_total(page, nearby["totalCount"])
    first = nearby["edges"][0]
    expect(page.locator("#visit-list li.visit").first.locator(".distance")).to_have_text(
        f"{first['distanceKm']:.1f} km bort".replace(".", ",").replace(",0 km", " km"))
    assert page.evaluate(CONTRAST_CHECK) == []
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    screenshot(page, "visit-finder", full_page=True)


def test_register_inline_and_seats_change(page: Page, site: str) -> None:
    page.goto("/#/visits")
    answer = visits(site, filter={"onlyWithSeatsLeft": True})
    page.get_by_role("checkbox", name="Bara med lediga platser").check()
    wait_for_total(page, answer["totalCount"])
    edge = next(e for e in answer["edges"][3:] if e["node"]["seatsLeft"] >= 2)
    visit_id = edge["node"]["id"]
    item = page.locator(f"li.visit[data-visit-id='{visit_id}']")
    item.get_by_role("button", name="Anmäl dig").click()
    page.get_by_role("textbox", name="Namn (obligatoriskt)").fill("Ann Andersson")
    page.get_by_role("textbox", name="E-postadress (obligatoriskt)").fill("ann.visit@example.se")
    page.get_by_role("checkbox", name="Jag godkänner").check()
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page.locator("#reg-success")).to_have_text("Tack! Din anmälan är skickad")
    left = edge["node"]["seatsLeft"] - 1
    expect(item.locator(".seats")).to_have_text(f"{left} platser kvar" if left != 1
                                                else "1 plats kvar")
    after = visits(site, filter={"onlyWithSeatsLeft": True})
    (now,) = [e for e in after["edges"] if e["node"]["id"] == visit_id]
    assert now["node"]["seatsLeft"] == left


def test_english_and_the_skip_link(page: Page, site: str) -> None:
    page.goto("/#/visits")
    wait_for_total(page, visits(site)["totalCount"])
    page.get_by_role("button", name="In English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Study visits")
    expect(page.get_by_role("checkbox", name="Only with seats left")).to_be_visible()
    page.get_by_role("button", name="På svenska").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Studiebesök")
    page.locator(".skip-link").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#visits-results-heading")).to_be_focused()

    course = visits(site)["edges"][0]["node"]["id"].split("~")[0]
    page.goto(f"/#/course/{course}")
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    page.locator(".skip-link").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_be_focused()


def test_empty_state_and_swedish_only_courses(page: Page, site: str,
                                              sample_index: SampleIndex) -> None:
    page.goto("/#/?query=zzqxjvwk")
    expect(page.locator("#result-count")).to_have_text(
        "Inga utbildningar matchar din sökning. Prova ett annat ord.")
    page.goto("/#/?query=zzqxjvwk&regions=01")
    expect(page.locator("#result-count")).to_have_text(
        "Inga utbildningar matchar din sökning. Prova att ta bort något filter.")

    swedish = next(d for d in sample_index.documents if not d["titleEn"])
    english = next(d for d in sample_index.documents if d["titleEn"] and d["descriptionEn"])
    page.goto("/#/")
    page.get_by_role("button", name="In English").click()
    for document, note in ((swedish, 1), (english, 0)):
        page.goto(f"/#/course/{document['id']}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.locator("#course-view .swedish-only")).to_have_count(note)
    page.get_by_role("button", name="På svenska").click()


def test_municipality_and_provider_facets_filter_the_courses(page: Page, site: str) -> None:
    query = """query ($filter: CourseFilterInput) {
      searchCourses(query: "", filter: $filter, first: 0,
                    facets: [MUNICIPALITY, PROVIDER]) {
        totalCount facets { attribute values { value count } } } }"""
    answer = graphql(site, query)["searchCourses"]
    page.goto("/#/")
    expect(page.locator("#result-count")).to_have_attribute("data-total",
                                                            str(answer["totalCount"]))
    (municipality,) = [f["values"][0] for f in answer["facets"]
                       if f["attribute"] == "MUNICIPALITY"]
    page.locator(f"#facet-MUNICIPALITY input[value='{municipality['value']}']").check()
    expect(page.locator("#result-count")).to_have_attribute("data-total",
                                                            str(municipality["count"]))
    expect(page).to_have_url(re.compile(rf"municipalities={municipality['value']}"))
    narrowed = graphql(site, query, {"filter": {"municipalities": [municipality["value"]]}})
    (provider,) = [f["values"][0] for f in narrowed["searchCourses"]["facets"]
                   if f["attribute"] == "PROVIDER"]
    page.locator(f"#facet-PROVIDER input[value='{provider['value']}']").check()
    expect(page.locator("#result-count")).to_have_attribute("data-total",
                                                            str(provider["count"]))
