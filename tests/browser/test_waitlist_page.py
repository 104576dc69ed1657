"""The reference page on a full visit: the registration joins the waitlist and the page
shows the place in line, in Swedish and in English, on the course page and inline in the
visit finder."""

from __future__ import annotations

import asyncio
import datetime
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from playwright.sync_api import Locator, Page, expect
from redis.asyncio import Redis

from core.settings import Settings
from core.visits.models import Language, Registration, RegistrationStatus, Visit
from core.visits.store import RegistrationStore, ReserveOutcome
from tests.conftest import SampleIndex


def _small_visit(sample_index: SampleIndex, rank: int = 0
                 ) -> tuple[dict[str, Any], dict[str, Any]]:
    """A course of the sample with an upcoming visit of few seats (the ``rank``-th
    smallest, so that two tests fill two visits)."""
    soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)
    candidates = [(visit["capacity"], document["id"], document, visit)
                  for document in sample_index.documents for visit in document["studyVisits"]
                  if datetime.datetime.fromisoformat(visit["start"]) > soon]
    _, _, document, visit = sorted(candidates, key=lambda c: (c[0], c[1]))[rank]
    return document, visit


async def _fill(settings: Settings, visit: Visit) -> None:
    """Every seat taken (stored as the API would, past the page's rate limits)."""
    async with Redis.from_url(settings.redis_url) as redis:
        store = RegistrationStore(redis)
        now = int(time.time())
        for n in range(visit.capacity):
            registration = Registration(
                id=f"full-{visit.id}-{n}", status=RegistrationStatus.PENDING, visit=visit,
                name="Seat Holder", email=f"holder{n}@example.se", phone=None,
                language=Language.SV, created_at=now, updated_at=now,
                expires_at=visit.end_ts + 86_400)
            reserved = await store.reserve(registration, f"holder-{n}", now)
            assert reserved.outcome in (ReserveOutcome.OK, ReserveOutcome.FULL)


def test_a_full_visit_takes_a_registration_for_its_waitlist(
    page: Page, site: str, sample_index: SampleIndex, page_settings: Settings,
) -> None:
    document, raw = _small_visit(sample_index)
    with ThreadPoolExecutor(1) as thread:  # Playwright's event loop runs in this one
        thread.submit(asyncio.run, _fill(page_settings, Visit.from_document(document, raw))
                      ).result()
    page.goto(f"/#/course/{document['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(document["title"])
    for email, name, submit, heading, line in (
        ("queue.one@example.se", "Kim Kö", "Skicka anmälan", "Du står på väntelistan",
         "Du är nummer 1 i kön"),
        ("queue.two@example.se", "Quinn Queue", "Send registration",
         "You are on the waitlist", "You are number 2 in line"),
    ):
        if submit == "Send registration":
            page.get_by_role("button", name="In English").click()
            expect(page.get_by_role("button", name=submit)).to_be_visible()
        page.locator(f"input[name=visitId][value='{raw['id']}']").check()
        assert page.locator("#reg-waitlist").is_checked()
        page.locator("#reg-name").fill(name)
        page.locator("#reg-email").fill(email)
        page.locator("#reg-consent").check()
        page.get_by_role("button", name=submit).click()
        success = page.locator("#reg-success")
        expect(success).to_have_text(heading)
        expect(page.locator(".success")).to_contain_text(line)
        expect(success).to_be_focused()
        page.locator(".success .link-button").click()


def test_the_visit_finder_offers_the_waitlist_inline_on_a_full_visit(
    page: Page, site: str, sample_index: SampleIndex, page_settings: Settings,
) -> None:
    document, raw = _small_visit(sample_index, rank=1)
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, _fill(page_settings, Visit.from_document(document, raw))
                      ).result()
    page.goto("/#/visits")
    page.locator("#visits-query").fill(document["title"])
    item = _search_until_listed(page, raw["id"])
    expect(item.locator(".seats")).to_have_text("Fullbokat")
    item.get_by_role("button", name="Ställ dig i kö").click()
    assert page.locator("#reg-waitlist").is_checked()
    page.locator("#reg-name").fill("Kim Kö")
    page.locator("#reg-email").fill("finder.queue@example.se")
    page.locator("#reg-consent").check()
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page.locator("#reg-success")).to_have_text("Du står på väntelistan")
    expect(page.locator(".success")).to_contain_text("Du är nummer 1 i kön")
    # searched again, the full visit shows its line, read now
    item = _search_until_listed(page, raw["id"])
    expect(item.locator(".seats")).to_have_text("Fullbokat · 1 i kö")


def _search_until_listed(page: Page, visit_id: str) -> Locator:
    """Search the finder's text, then "load more" until the visit is listed."""
    page.get_by_role("button", name="Sök studiebesök").click()
    item = page.locator(f"li.visit[data-visit-id='{visit_id}']")
    for _ in range(100):
        expect(page.locator("#visits-view")).to_have_attribute("data-state", "ready")
        if item.count():
            return item
        page.locator("#visits-more").click()
    raise AssertionError(f"{visit_id} is not listed")
