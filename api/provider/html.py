"""The HTML frame of the self-service pages (provider's and jobseeker's): one style,
headers that forbid caching, framing and Referer, a bounded form reader, and the
double-submit CSRF check of their POSTs (a fresh value in a form field and in a
``SameSite=Strict``, ``HttpOnly`` cookie; a POST must bring both, equal)."""

from __future__ import annotations

import html
import secrets
from urllib.parse import parse_qs, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from api.visits.pages import HEADERS
from api.visits.runtime import visit_service
from core.visits.models import Language
from core.visits.provider_access import MAX_DECISIONS_PER_REQUEST

MAX_FORM_BYTES = 16 * 1024
e = html.escape


def language(value: str | None) -> Language:
    return Language.parse(value)


def page(title: str, body: str, lang: Language, status: int = 200) -> HTMLResponse:
    document = (
        f'<!DOCTYPE html><html lang="{lang.value}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title><style>"
        "body{font-family:Arial,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;"
        "line-height:1.5;color:#1a1a1a}table{border-collapse:collapse;width:100%}"
        "th,td{text-align:left;padding:.3em .5em;border-bottom:1px solid #ccc}"
        "button{font-size:1em;padding:.5em 1em;margin:.3em .3em 0 0;border:0;"
        "border-radius:4px;color:#fff}.confirm{background:#1b5e20}.decline{background:#8e0000}"
        "a{color:#0b4f8a}</style></head>"
        f"<body><main><h1>{e(title)}</h1>{body}</main></body></html>"
    )
    return HTMLResponse(document, status_code=status, headers=HEADERS)


def base_path(request: Request) -> str:
    return urlsplit(visit_service(request).settings.public_base_url).path.rstrip("/")


async def read_form(request: Request) -> dict[str, list[str]] | None:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    try:
        return parse_qs(body.decode("utf-8", "replace"),
                        max_num_fields=MAX_DECISIONS_PER_REQUEST + 5)
    except ValueError:
        return None


def field(fields: dict[str, list[str]], name: str) -> str:
    """A form field's first value ('' when absent)."""
    return (fields.get(name) or [""])[0]


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def set_csrf_cookie(response: Response, request: Request, cookie: str, csrf: str,
                    page_path: str) -> None:
    response.set_cookie(cookie, csrf, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https",
                        path=base_path(request) + page_path)


def csrf_matches(fields: dict[str, list[str]], request: Request, cookie: str) -> bool:
    """Whether the POST brings the form's CSRF value and the same value in its cookie."""
    sent, kept = field(fields, "csrf"), request.cookies.get(cookie, "")
    return bool(sent) and bool(kept) and secrets.compare_digest(sent, kept)
