"""Helpers of the browser tests: the real API under uvicorn, a burst arq worker, the
GraphQL client the tests check the page against, and checks run inside the page.

Nothing here imports Playwright, so the tests are collected (and skipped with a reason)
on machines without it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib.util
import math
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from core.settings import Settings
from tests.live_app import run_worker

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "Python Playwright is not installed (pip install -e '.[dev]')"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return (f"Chromium not found at {CHROMIUM} "
                "(apt-get install chromium, or run scripts/bootstrap.sh as root)")
    return None


def run_worker_burst(settings: Settings) -> None:
    """A real arq worker (the project's WorkerSettings) that runs the queued jobs and stops.

    It runs on a thread with an event loop of its own: Playwright's synchronous API owns
    the test thread's loop.
    """
    failures: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(run_worker(settings))
        except BaseException as exc:  # reported to the test below
            failures.append(exc)

    thread = threading.Thread(target=run, name="search-page-worker")
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "the worker did not finish"
    if failures:
        raise failures[0]


def screenshot(page: Page, name: str, full_page: bool = False) -> None:
    """Keep a screenshot of the page's state as a test artifact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def graphql(base_url: str, query: str, variables: dict[str, Any] | None = None
            ) -> dict[str, Any]:
    """The API's own answer to a query (the page must show the same)."""
    response = httpx.post(f"{base_url}/graphql", json={"query": query,
                                                        "variables": variables or {}},
                          timeout=20)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the Earth's mean radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


# Runs in the page: every visible text whose contrast with its background is below WCAG AA
# (4.5:1, or 3:1 for large text: 24px, or 18.66px bold).
CONTRAST_CHECK = """
() => {
  const parse = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const luminance = ({ r, g, b }) => {
    const c = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const colour = parse(getComputedStyle(e).backgroundColor);
      if (colour && colour.a > 0) return colour;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const failures = [];
  for (const element of document.querySelectorAll("body *")) {
    const hasText = [...element.childNodes].some(
      (n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!hasText || !element.checkVisibility()) continue;
    const style = getComputedStyle(element);
    if (style.clip === "rect(0px, 0px, 0px, 0px)" || style.clipPath === "inset(50%)") continue;
    const fg = parse(style.color);
    const bg = background(element);
    const [light, dark] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      failures.push(`${element.tagName}.${element.className}: ${ratio.toFixed(2)} ` +
                    `"${element.textContent.trim().slice(0, 40)}"`);
    }
  }
  return failures;
}
"""

# Runs in the page: every visible form control without an accessible name.
UNLABELLED_CONTROLS = """
() => [...document.querySelectorAll("input, select, textarea, button")]
  .filter((e) => e.checkVisibility())
  .filter((e) => !(e.labels?.length || e.getAttribute("aria-label")
                   || e.getAttribute("aria-labelledby") || (e.tagName === "BUTTON"
                   && e.textContent.trim())))
  .map((e) => e.outerHTML.slice(0, 80))
"""


@dataclasses.dataclass
class PageProblems:
    """What the page reported that it should not: script errors and CSP violations."""

    errors: list[str] = dataclasses.field(default_factory=list)


def open_page(browser: Browser, site: str, viewport: ViewportSize,
              timezone_id: str = "Europe/Stockholm", bypass_csp: bool = False
              ) -> tuple[Page, PageProblems, BrowserContext]:
    """A fresh context and page that note script errors; ``bypass_csp`` lets axe-core's
    script in (the page's CSP allows only its own scripts)."""
    context = browser.new_context(viewport=viewport, base_url=site, timezone_id=timezone_id,
                                  bypass_csp=bypass_csp)
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = PageProblems()
    page.on("pageerror", lambda error: problems.errors.append(f"page error: {error}"))
    page.on("console", lambda message: problems.errors.append(f"console: {message.text}")
            if message.type == "error" else None)
    return page, problems, context
