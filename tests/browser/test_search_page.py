"""The reference search page in headless Chromium, checked against the API's own answers
and the sample documents: search, facets, place, the course page and registration."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest

from core.reference import load_reference
from core.settings import Settings
from devstack.mailsink import MailSink
from tests.browser.support import (
    CONTRAST_CHECK,
    UNLABELLED_CONTROLS,
    graphql,
    haversine_km,
    run_worker_burst,
    screenshot,
)
from tests.conftest import SampleIndex

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

SEARCH = """
query Search($query: String!, $filter: CourseFilterInput, $near: NearInput, $sort: CourseSort!,
             $after: String, $facets: [FacetAttribute!], $language: Language!) {
  searchCourses(query: $query, filter: $filter, near: $near, sort: $sort, first: 20,
                after: $after, facets: $facets, language: $language) {
    totalCount
    pageInfo { endCursor }
    facets { attribute values { value label count } }
    edges {
      distanceKm
      highlights { title { fragments { text matched } } }
      node { id title }
    }
  }
}
"""
COURSE = "query ($id: ID!) { course(id: $id) { title studyVisits { id seatsLeft } } }"
REGISTER = """
mutation ($input: RegisterForStudyVisitInput!) {
  registerForStudyVisit(input: $input) { registration { id } errors { field message } }
}
"""


def expect(actual: Any) -> Any:
    """Playwright's retrying assertions (imported here: Playwright may be missing)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(actual)


def search(site: str, **variables: Any) -> dict[str, Any]:
    defaults = {"query": "", "sort": "RELEVANCE", "language": "SV"}
    result: dict[str, Any] = graphql(site, SEARCH, {**defaults, **variables})["searchCourses"]
    return result


def facet(result: dict[str, Any], attribute: str) -> list[tuple[str, int]]:
    (values,) = [f["values"] for f in result["facets"] if f["attribute"] == attribute]
    return [(v["value"], v["count"]) for v in values]


def shown_facet(page: Page, attribute: str) -> list[tuple[str, int]]:
    rows: list[list[str]] = page.locator(f"#facet-{attribute} li").evaluate_all(
        "rows => rows.map(r => [r.dataset.value, r.querySelector('.count').dataset.count])")
    return [(value, int(count)) for value, count in rows]


def result_ids(page: Page) -> list[str]:
    ids: list[str] = page.locator("#results > li").evaluate_all(
        "cards => cards.map(c => c.dataset.courseId)")
    return ids


def wait_for_total(page: Page, total: int) -> None:
    expect(page.locator("#result-count")).to_have_attribute("data-total", str(total))
    expect(page.locator(".results")).to_have_attribute("data-state", "ready")


def upcoming_visit(sample_index: SampleIndex) -> tuple[dict[str, Any], dict[str, Any]]:
    """A course of the sample and one of its visits, two days ahead or more, with seats."""
    soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)
    for document in sample_index.documents:
        for visit in document["studyVisits"]:
            start = datetime.datetime.fromisoformat(visit["start"])
            if start > soon and visit["capacity"] >= 3 and len(document["studyVisits"]) >= 2:
                return document, visit
    raise AssertionError("the sample has no upcoming study visit")


def test_search_shows_highlighted_hits_and_loads_more(page: Page, site: str) -> None:
    page.goto("/")
    wait_for_total(page, search(site)["totalCount"])
    page.get_by_label("Sök utbildning, yrke eller ort").fill("svetsare")
    page.keyboard.press("Enter")

    first_page = search(site, query="svetsare")
    wait_for_total(page, first_page["totalCount"])
    assert first_page["totalCount"] > 20
    expect(page).to_have_url(re.compile(r"#/\?query=svetsare$"))
    expect(page.locator("#result-count")).to_have_text(f"{first_page['totalCount']} utbildningar")
    assert result_ids(page) == [e["node"]["id"] for e in first_page["edges"]]
    marks = page.locator("#results > li").first.locator("h3 mark").all_inner_texts()
    fragments = first_page["edges"][0]["highlights"]["title"]["fragments"]
    assert marks == [f["text"] for f in fragments if f["matched"]]
    assert marks and marks[0].lower().startswith("svets")
    screenshot(page, "search-results")

    page.get_by_role("button", name="Visa fler").click()
    second_page = search(site, query="svetsare", after=first_page["pageInfo"]["endCursor"])
    expect(page.locator("#results > li")).to_have_count(20 + len(second_page["edges"]))
    assert result_ids(page)[20:] == [e["node"]["id"] for e in second_page["edges"]]
    focused = page.evaluate("document.activeElement.closest('li')?.dataset.courseId")
    assert focused == second_page["edges"][0]["node"]["id"]


def test_two_regions_change_counts_and_totals(
    page: Page, site: str, sample_index: SampleIndex
) -> None:
    documents = sample_index.documents
    per_region = Counter(d["regionCode"] for d in documents)
    (a, count_a), (b, count_b) = per_region.most_common(2)
    page.goto("/")
    wait_for_total(page, len(documents))
    for value, count in shown_facet(page, "REGION"):
        assert count == per_region[value], value

    box_a = page.locator(f"#facet-REGION-{a}")
    box_a.focus()
    page.keyboard.press("Space")
    wait_for_total(page, count_a)
    expect(box_a).to_be_checked()
    expect(box_a).to_be_focused()
    # Disjunctive: the region counts ignore the region selection; other facets narrow.
    assert dict(shown_facet(page, "REGION"))[b] == count_b
    paces_in_a = Counter(d["pace"].upper() for d in documents if d["regionCode"] == a)
    assert dict(shown_facet(page, "PACE")) == paces_in_a

    page.locator(f"label[for='facet-REGION-{b}']").click()
    wait_for_total(page, count_a + count_b)
    expect(page).to_have_url(re.compile(rf"#/\?regions={a}&regions={b}$"))
    in_both = [d for d in documents if d["regionCode"] in (a, b)]
    assert dict(shown_facet(page, "PACE")) == Counter(d["pace"].upper() for d in in_both)
    answer = search(site, filter={"regions": [a, b]}, facets=["REGION", "PACE", "DELIVERY"])
    assert answer["totalCount"] == count_a + count_b
    for attribute in ("PACE", "DELIVERY"):
        assert shown_facet(page, attribute) == facet(answer, attribute)
    assert shown_facet(page, "REGION") == facet(answer, "REGION")[:len(shown_facet(page, "REGION"))]
    screenshot(page, "two-regions")

    page.get_by_role("button", name="Rensa alla filter").click()
    wait_for_total(page, len(documents))


def test_near_a_municipality_with_radius_sorted_by_distance(
    page: Page, site: str, sample_index: SampleIndex
) -> None:
    malmo = load_reference().municipalities["1280"]
    page.goto("/")
    wait_for_total(page, len(sample_index.documents))
    page.get_by_label("Kommun", exact=True).select_option("1280")
    page.get_by_label("Avstånd").select_option("25")
    page.get_by_label("Sortering").select_option("DISTANCE")

    near = {"municipalityCode": "1280", "radiusKm": 25}
    answer = search(site, near=near, sort="DISTANCE")
    wait_for_total(page, answer["totalCount"])
    expect(page).to_have_url(re.compile(r"near=1280&radius=25&sort=DISTANCE$"))
    distances = [
        haversine_km(malmo.lat, malmo.lon, d["_geo"]["lat"], d["_geo"]["lng"])
        for d in sample_index.documents
    ]
    inside, edge = sum(km <= 24.5 for km in distances), sum(km <= 25.5 for km in distances)
    assert 0 < inside <= answer["totalCount"] <= edge
    assert result_ids(page) == [e["node"]["id"] for e in answer["edges"]]
    shown = page.locator("#results .distance").all_inner_texts()
    assert len(shown) == len(answer["edges"])
    km = [e["distanceKm"] for e in answer["edges"]]
    assert km == sorted(km) and max(km) <= 25
    screenshot(page, "near-municipality")

    page.get_by_label("Kommun", exact=True).select_option("")
    wait_for_total(page, len(sample_index.documents))
    expect(page.get_by_label("Sortering")).to_have_value("RELEVANCE")


def test_autocomplete_by_keyboard_filters_on_the_occupation(page: Page, site: str) -> None:
    page.goto("/")
    query = page.get_by_role("combobox", name="Sök utbildning, yrke eller ort")
    query.press_sequentially("svetsa", delay=20)
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options.first).to_be_visible()
    suggestions = graphql(site, "query { suggestions(prefix: \"svetsa\") { text kind "
                                "occupationCode count } }")["suggestions"]
    expect(options).to_have_count(len(suggestions))
    occupation = next(s for s in suggestions if s["kind"] == "OCCUPATION")
    position = suggestions.index(occupation)
    for _ in range(position + 1):
        page.keyboard.press("ArrowDown")
    active = query.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").inner_text().startswith(occupation["text"])
    page.keyboard.press("Enter")

    wait_for_total(page, occupation["count"])
    assert search(site, filter={"occupations": [occupation["occupationCode"]]})[
        "totalCount"] == occupation["count"]
    expect(page).to_have_url(re.compile(rf"occupations={occupation['occupationCode']}$"))
    expect(page.locator(".chip")).to_contain_text(occupation["text"])
    expect(query).to_have_attribute("aria-expanded", "false")


def test_course_page_from_the_results_and_back(page: Page, site: str) -> None:
    page.goto("/#/?query=svetsare")
    answer = search(site, query="svetsare")
    wait_for_total(page, answer["totalCount"])
    first = answer["edges"][0]["node"]["id"]
    page.locator("#results > li").first.get_by_role("link").click()

    expect(page).to_have_url(re.compile(rf"#/course/{re.escape(first)}$"))
    course = graphql(site, COURSE, {"id": first})["course"]
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(course["title"])
    expect(heading).to_be_focused()
    expect(page.locator(".visit-list li")).to_have_count(len(course["studyVisits"]))
    assert page.title().startswith(course["title"])

    page.get_by_role("link", name="Tillbaka till sökresultaten").click()
    expect(page).to_have_url(re.compile(r"#/\?query=svetsare$"))
    expect(page.locator(f"[data-course-id='{first}'] a")).to_be_focused()


def test_register_for_a_study_visit_emails_the_provider(
    page: Page, site: str, sample_index: SampleIndex, page_settings: Settings,
    smtp_sink: MailSink,
) -> None:
    smtp_sink.clear()
    document, visit = upcoming_visit(sample_index)
    position = [v["id"] for v in document["studyVisits"]].index(visit["id"])

    def seats_left() -> int:  # other modules of this session may register on it too
        visits = graphql(site, COURSE, {"id": document["id"]})["course"]["studyVisits"]
        left: int = visits[position]["seatsLeft"]
        return left

    seats = seats_left() - 1
    page.goto(f"/#/course/{document['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(document["title"])
    page.locator(f"input[name=visitId][value='{visit['id']}']").check()
    page.get_by_role("textbox", name="Namn (obligatoriskt)").fill("Ann Andersson")
    email = page.get_by_role("textbox", name="E-postadress (obligatoriskt)")
    email.fill("ann.andersson@example.se")
    page.get_by_role("textbox", name="Telefonnummer (frivilligt)").fill("070-123 45 67")
    page.get_by_role("checkbox", name="Jag godkänner").check()
    page.get_by_role("button", name="Skicka anmälan").click()

    success = page.locator("#reg-success")
    expect(success).to_have_text("Tack! Din anmälan är skickad")
    expect(success).to_be_focused()
    expect(page.locator(".success")).to_contain_text(f"Platser kvar efter din anmälan: {seats}.")
    expect(page.locator(f".visit-list [data-visit-id='{visit['id']}'] .seats")).to_have_text(
        f"{seats} platser kvar")
    screenshot(page, "registration-success", full_page=True)

    run_worker_burst(page_settings)
    provider = document["contact"]["email"]
    messages = [m.message for m in smtp_sink.messages if provider in m.recipients
                and "ann.andersson@example.se" in str(m.message.get("Reply-To", ""))]
    assert len(messages) == 1
    body = messages[0].get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "Ann Andersson" in text and "070-123 45 67" in text
    assert messages[0]["Reply-To"].addresses[0].addr_spec == "ann.andersson@example.se"
    assert seats_left() == seats


def test_validation_errors_are_shown_next_to_their_fields(
    page: Page, site: str, sample_index: SampleIndex, smtp_sink: MailSink,
) -> None:
    document, visit = upcoming_visit(sample_index)
    before = graphql(site, COURSE, {"id": document["id"]})["course"]["studyVisits"]
    page.goto(f"/#/course/{document['id']}")
    page.locator(f"input[name=visitId][value='{visit['id']}']").check()
    page.get_by_role("textbox", name="Namn (obligatoriskt)").fill("Ann Andersson")
    page.get_by_role("textbox", name="E-postadress (obligatoriskt)").fill("ann.andersson@@example")
    page.get_by_role("button", name="Skicka anmälan").click()

    answer = graphql(site, REGISTER, {"input": {
        "visitId": visit["id"], "name": "Ann Andersson", "email": "ann.andersson@@example",
        "language": "SV", "consent": False}})["registerForStudyVisit"]
    assert answer["registration"] is None
    messages = {e["field"]: e["message"] for e in answer["errors"]}
    assert set(messages) == {"email", "consent"}
    for field, message in messages.items():
        error = page.locator(f"#reg-{field}-error")
        expect(error).to_have_text(message)
        control = page.locator(f"#reg-{field}")
        expect(control).to_have_attribute("aria-invalid", "true")
        expect(control).to_have_attribute("aria-describedby", f"reg-{field}-error")
        # Next to its field: in the field's own container, right before the control.
        assert error.evaluate("(e) => e.parentElement.contains(document.getElementById("
                              f"'reg-{field}'))")
    expect(page.locator("#reg-name-error")).to_be_hidden()
    expect(page.locator("#reg-email")).to_be_focused()
    expect(page.locator("#reg-status")).to_have_text("Anmälan skickades inte. Rätta felen nedan.")
    screenshot(page, "registration-errors", full_page=True)
    assert graphql(site, COURSE, {"id": document["id"]})["course"]["studyVisits"] == before


def test_english_and_swedish(page: Page, site: str) -> None:
    page.goto("/")
    wait_for_total(page, search(site)["totalCount"])
    page.get_by_role("button", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search labour market training")
    english = search(site, language="EN", facets=["REGION"])
    labels = {v["value"]: v["label"] for f in english["facets"] for v in f["values"]}
    expect(page.locator("#facet-REGION legend")).to_have_text("Region")
    shown = page.locator("#facet-REGION li").evaluate_all(
        "rows => rows.map(r => [r.dataset.value, r.querySelector('.facet-label').textContent])")
    assert shown and all(labels[value] == label for value, label in shown)
    expect(page.locator("#result-count")).to_have_text(
        re.compile(r"^[\d,]+ courses$"))
    screenshot(page, "english")

    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="På svenska").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sök arbetsmarknadsutbildningar")


def test_narrow_screen(phone_page: Page, site: str) -> None:
    page = phone_page
    page.goto("/#/?query=svetsare")
    wait_for_total(page, search(site, query="svetsare")["totalCount"])
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    toggle = page.get_by_role("button", name="Filtrera")
    expect(page.locator("#facets")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#facet-REGION")).to_be_visible()
    page.locator("#facet-REGION input").first.check()
    expect(page.locator(".results")).to_have_attribute("data-state", "ready")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "mobile", full_page=False)


def test_accessibility_basics(page: Page, site: str, sample_index: SampleIndex) -> None:
    page.goto("/#/?query=svetsare")
    wait_for_total(page, search(site, query="svetsare")["totalCount"])
    assert page.evaluate(CONTRAST_CHECK) == []
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    expect(page.locator("#result-count")).to_have_attribute("role", "status")

    order = []
    for _ in range(11):
        page.keyboard.press("Tab")
        order.append(page.evaluate("(e => e.id || e.textContent)(document.activeElement)"))
    assert order[:10] == ["Hoppa till resultaten", "Utbildningar", "Studiebesök",
                          "Mina studiebesök", "language-sv", "query", "Sök",
                          "near-municipality", "near-radius", "sort"]
    assert order[10].startswith("facet-REGION-")  # then the filters, then the results

    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Rensa alla filter")).to_be_visible()
    page.get_by_role("button", name="Rensa alla filter").press("Enter")
    expect(page.locator("#results-heading")).to_be_focused()
    expect(page).to_have_url(re.compile(r"#/\?query=svetsare$"))
    page.locator(".skip-link").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#results-heading")).to_be_focused()
    expect(page).to_have_url(re.compile(r"#/\?query=svetsare$"))
    expect(page.locator("#results > li")).to_have_count(20)

    document, _ = upcoming_visit(sample_index)
    page.goto(f"/#/course/{document['id']}")
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page.locator("#reg-consent-error")).to_be_visible()
    assert page.evaluate(CONTRAST_CHECK) == []
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    expect(page.locator("#reg-status")).to_have_attribute("aria-live", "polite")


def test_highlights_never_become_markup(page: Page) -> None:
    page.goto("/")
    html = page.evaluate("""async () => {
      const { highlighted } = await import("/static/dom.js");
      const p = document.createElement("p");
      p.append(...highlighted([
        { text: "<img src=x onerror=alert(1)>", matched: true },
        { text: " & <b>bold</b>", matched: false },
      ]));
      return p.innerHTML;
    }""")
    assert html == ("<mark>&lt;img src=x onerror=alert(1)&gt;</mark>"
                    " &amp; &lt;b&gt;bold&lt;/b&gt;")
