"""The reference page shows each visit's closing time, and a visit whose registration
has closed as closed (its choice disabled), in Swedish and English, with no axe-core
violations. The browser's clock is set past a closing time (Playwright's clock); the
API's answers are the real ones."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.support import graphql
from tests.browser.test_search_page import expect
from tests.browser.test_self_service_pages import AXE, _axe_violations

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

VISITS = """
query { searchStudyVisits(sort: START_TIME, first: 5) {
  edges { node { id start registrationClosesAt } } } }
"""
COURSE = "query ($id: ID!) { course(id: $id) { studyVisits { id registrationClosesAt } } }"


@pytest.fixture
def axe_page(browser: Browser, site: str) -> Iterator[Page]:
    """A page that may inject axe-core (past the page's CSP); fails on script errors."""
    context = browser.new_context(base_url=site, bypass_csp=True,
                                  viewport={"width": 1280, "height": 900},
                                  timezone_id="Europe/Stockholm")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        yield page
    finally:
        context.close()
    assert errors == []


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


def test_the_course_page_shows_closing_times_and_a_closed_visit(axe_page: Page,
                                                                 site: str) -> None:
    page = axe_page
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


def test_the_visit_finder_disables_registration_once_it_has_closed(axe_page: Page,
                                                                  site: str) -> None:
    page = axe_page
    [edge, *_] = graphql(site, VISITS)["searchStudyVisits"]["edges"]
    visit = edge["node"]
    page.clock.set_fixed_time(_at(visit["registrationClosesAt"]) + datetime.timedelta(
        seconds=1))
    page.goto("/#/visits")
    item = page.locator(f"li.visit[data-visit-id='{visit['id']}']")
    expect(item.locator(".closing")).to_have_text("Anmälan har stängt")
    expect(item.get_by_role("button")).to_be_disabled()
    # axe-core on the closed visit's item (the finder's own landmarks are its page's tests')
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async (id) => (await axe.run(document.querySelector("
        "`li.visit[data-visit-id='${id}']`))).violations.map(v => v.id)", visit["id"])
    assert found == []
