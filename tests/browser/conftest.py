"""The reference search page in headless Chromium against the real API, Meilisearch,
Redis, arq worker and SMTP sink.

The API serves the session's sample index (``sample_index``); registrations go to a Redis
database of these tests' own so that the other tests' seat counts are untouched. Tests
marked ``browser`` are skipped, with the reason, when Playwright or /usr/bin/chromium is
missing. Screenshots of the main states are written to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from redis import Redis

from core.settings import Settings
from tests.browser.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    browser_missing,
    open_page,
)
from tests.conftest import RedisServer, SampleIndex
from tests.live_app import serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REGISTRATIONS_DB = 7


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: runs the search page in headless Chromium")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = browser_missing()
    if reason is None:
        return
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def page_settings(sample_index: SampleIndex, redis_server: RedisServer) -> Settings:
    """The sample index's settings with an empty Redis database of our own."""
    url = f"redis://127.0.0.1:{redis_server.port}/{REGISTRATIONS_DB}"
    client = Redis.from_url(url)
    client.flushdb()
    client.close()
    return dataclasses.replace(sample_index.settings, redis_url=url)


@pytest.fixture(scope="session")
def site(page_settings: Settings) -> Iterator[str]:
    """Base URL of the real API (and page) under uvicorn on a free loopback port."""
    with serve(page_settings, startup_seconds=30) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium. Module-scoped: Playwright's synchronous API holds the thread's
    event loop while it runs, so it must stop before the asyncio tests of other modules."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    """A fresh browser context on a desktop-sized window; fails on script or CSP errors."""
    page, problems, context = open_page(browser, site, {"width": 1280, "height": 900})
    try:
        yield page
    finally:
        context.close()
    assert problems.errors == []


@pytest.fixture
def phone_page(browser: Browser, site: str) -> Iterator[Page]:
    """A fresh browser context on a narrow (mobile) window."""
    page, problems, context = open_page(browser, site, {"width": 390, "height": 844})
    try:
        yield page
    finally:
        context.close()
    assert problems.errors == []


@pytest.fixture
def axe_page(browser: Browser, site: str) -> Iterator[Page]:
    """A desktop window that lets axe-core's script in (the page's CSP allows only its own
    scripts); script errors still fail the test."""
    page, problems, context = open_page(browser, site, {"width": 1280, "height": 900},
                                        bypass_csp=True)
    try:
        yield page
    finally:
        context.close()
    assert problems.errors == []
