"""The reference search page: ``/`` serves ``api/static/index.html``, ``/static/`` its files.

The page is plain HTML, CSS and JavaScript modules (no build step) that use only the public
GraphQL API. Every response carries a strict Content-Security-Policy (scripts, styles and
requests from this origin only; no inline scripts or styles) and cache headers: the HTML
and the modules are revalidated on every load (ETag/Last-Modified answer 304), since the
module files are not renamed per release.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

STATIC_DIR = Path(__file__).resolve().parent / "static"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
PAGE_CACHE = "no-cache"
ASSET_CACHE = "public, no-cache"


async def search_page(request: Request) -> Response:
    """The page's HTML."""
    response = FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")
    response.headers.update({**SECURITY_HEADERS, "Cache-Control": PAGE_CACHE})
    return response


class _Assets:
    """Starlette's static files with the page's security and cache headers."""

    def __init__(self, directory: Path) -> None:
        self.files = StaticFiles(directory=directory)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = {**SECURITY_HEADERS, "Cache-Control": ASSET_CACHE}
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.decode("latin-1").lower() not in {h.lower() for h in extra}]
                headers.extend((k.lower().encode("latin-1"), v.encode("latin-1"))
                               for k, v in extra.items())
                message = {**message, "headers": headers}
            await send(message)

        await self.files(scope, receive, send_with_headers)


def routes() -> list[BaseRoute]:
    """``/`` and ``/static/``; add them after the application's other routes."""
    return [
        Route("/", search_page, methods=["GET", "HEAD"]),
        Mount("/static", app=_Assets(STATIC_DIR), name="static"),
    ]
