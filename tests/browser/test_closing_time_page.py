"""The reference page shows each visit's closing time, and a visit whose registration
has closed as closed (its choice disabled), in Swedish and English, with no axe-core
violations. The browser's clock is set past a closing time (Playwright's clock); the
API's answers are the real ones."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.support import graphql
from tests.browser.test_search_page import expect
from tests.browser.test_self_service_pages import _axe_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

VISITS = """
query { searchStudyVisits(sort: START_TIME, first: 5) {
  edges { node { id start registrationClosesAt } } } }
"""
COURSE = "query ($id: ID!) { course(id: $id) { studyVisits { id registrationClosesAt } } }"


def _at(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value)


def _two_visit_course(site: str) -> tuple[str, list[dict[str, Any]]]:
    for edge in graphql(site, VISITS)["searchStudyVisits"]["edges"]:
        course = edge["node"]["id"].split("~")[0]
        visits: list[dict[str, Any]] = graphql(site, COURSE, {"id": course})["course"][
            "studyVisits"]
        if len(visits) >= 2 and visits[0]["registrationClosesAt"] != visits[1][
                "registrationClosesAt"]:
            return course, visits
    raise AssertionError("no course with two visits closing at different times")


def test_the_course_page_shows_closing_times_and_a_closed_visit(page: Page, site: str) -> None:
    course, visits = _two_visit_course(site)
    first, second = visits[0], visits[1]
    page.goto(f"/#/course/{course}")
    first_choice = page.locator(f"input[name=visitId][value='{first['id']}']")
    expect(first_choice).to_be_enabled()
    expect(page.locator(f"label[for='reg-visit-{first['id']}']")).to_contain_text(
        "anmälan senast")

    page.clock.set_fixed_time(_at(first["registrationClosesAt"]) + datetime.timedelta(
        seconds=1))
    page.reload()
    expect(first_choice).to_be_disabled()
    expect(page.locator(f"label[for='reg-visit-{first['id']}']")).to_contain_text(
        "Anmälan har stängt")
    second_choice = page.locator(f"input[name=visitId][value='{second['id']}']")
    if _at(second["registrationClosesAt"]) > _at(first["registrationClosesAt"]):
        expect(second_choice).to_be_enabled()
    assert _axe_violations(page) == []

    page.get_by_role("button", name="In English").click()
    expect(page.locator(f"label[for='reg-visit-{first['id']}']")).to_contain_text(
        "Registration closed")
    expect(page.locator(f"label[for='reg-visit-{second['id']}']")).to_contain_text(
        "register by")
    assert _axe_violations(page) == []


def test_the_visit_finder_disables_registration_once_it_has_closed(page: Page,
                                                                  site: str) -> None:
    [edge, *_] = graphql(site, VISITS)["searchStudyVisits"]["edges"]
    visit = edge["node"]
    page.clock.set_fixed_time(_at(visit["registrationClosesAt"]) + datetime.timedelta(
        seconds=1))
    page.goto("/#/visits")
    item = page.locator(f"li.visit[data-visit-id='{visit['id']}']")
    expect(item.locator(".closing")).to_have_text("Anmälan har stängt")
    expect(item.get_by_role("button")).to_be_disabled()
    assert _axe_violations(page) == []
