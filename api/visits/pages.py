"""The pages behind the emailed links: decision (provider), cancel, erase and claim (a
seat offered from the waitlist) (jobseeker).

GET shows what the link is about and a button; it changes nothing (mail scanners and
link previews open links). POST carries the token in the form body – the token is the
credential, so no cookie or session exists to forge (CSRF does not apply). Every value
on a page is HTML-escaped; pages are never cached, indexed or framed, and send no
Referer (the token is in the URL).
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from api.visits.decline_reasons import FIELD as REASON_FIELD
from api.visits.decline_reasons import read_reason, reason_select
from api.visits.pages_text import TEXT, action_title, status_text
from api.visits.runtime import visit_service
from core.errors import ServiceUnavailable
from core.visits.formatting import visit_when
from core.visits.links import PATHS, action_token
from core.visits.models import Language, Registration, RegistrationStatus
from core.visits.service import ActionOutcome, ActionResult
from core.visits.tokens import TokenAction

MAX_FORM_BYTES = 4096
RETRY_AFTER_SECONDS = 30
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, nofollow",
}
_STATUS_CODES = {
    ActionResult.DONE: 200,
    ActionResult.ALREADY_DONE: 409,
    ActionResult.NOT_ALLOWED: 409,
    ActionResult.NOT_FOUND: 404,
    ActionResult.INVALID_TOKEN: 400,
    ActionResult.EXPIRED_TOKEN: 410,
}
_ALLOWED = {
    "decision": (TokenAction.CONFIRM, TokenAction.DECLINE),
    "cancel": (TokenAction.CANCEL,),
    "erase": (TokenAction.ERASE,),
    "claim": (TokenAction.CLAIM,),
}
e = html.escape


def _page(title: str, body: str, lang: Language, status: int = 200) -> HTMLResponse:
    document = (
        f'<!DOCTYPE html><html lang="{lang.value}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title></head>"
        '<body style="font-family: Arial, sans-serif; max-width: 640px; margin: 2em auto; '
        f'padding: 0 1em; line-height: 1.5"><main><h1 style="font-size: 1.4em">{e(title)}</h1>'
        f"{body}</main></body></html>"
    )
    return HTMLResponse(document, status_code=status, headers=HEADERS)


def _path(request: Request, action: TokenAction) -> str:
    base = urlsplit(visit_service(request).settings.public_base_url).path.rstrip("/")
    return base + PATHS[action]


def _form(request: Request, token: str, action: TokenAction, label: str, colour: str,
          lang: Language) -> str:
    reason = reason_select(lang, "reason") if action is TokenAction.DECLINE else ""
    return (
        f'<form method="post" action="{e(_path(request, action))}" style="display: inline">'
        f'<input type="hidden" name="token" value="{e(token)}">'
        f'<input type="hidden" name="lang" value="{lang.value}">{reason}'
        f'<button type="submit" style="font-size: 1em; padding: .6em 1.2em; margin: .3em; '
        f'background: {colour}; color: #fff; border: 0; border-radius: 4px">{e(label)}'
        "</button></form>"
    )


def _details(registration: Registration, lang: Language, personal: bool) -> str:
    t = TEXT[lang]
    visit = registration.visit
    rows = [
        (t["course"], visit.title(lang)),
        (t["provider"], visit.provider_name),
        (t["when"], visit_when(visit, lang)),
        (t["where"], visit.address.one_line()),
    ]
    if personal:
        rows += [
            (t["name"], registration.name),
            (t["email"], registration.email),
            (t["phone"], registration.phone or "–"),
            (t["language"], t[f"lang_{registration.language.value}"]),
        ]
    rows.append((t["status"], status_text(registration.status, lang)))
    cells = "".join(
        f'<tr><th style="text-align: left; padding-right: 1em">{e(k)}</th><td>{e(v)}</td></tr>'
        for k, v in rows
    )
    return f"<table>{cells}</table>"


def _language(request: Request, outcome: ActionOutcome, kind: str) -> Language:
    """The jobseeker's pages: the registration's language. The provider's decision page:
    its ``lang`` parameter, else the language of the provider's country."""
    registration = outcome.registration
    if kind != "decision" and registration is not None:
        return registration.language
    provider = registration.visit.provider_language if registration is not None else None
    return Language.parse(request.query_params.get("lang"), provider)


def _problem(outcome: ActionOutcome, lang: Language) -> HTMLResponse:
    t = TEXT[lang]
    key = {
        ActionResult.INVALID_TOKEN: "invalid",
        ActionResult.EXPIRED_TOKEN: "expired",
        ActionResult.NOT_FOUND: "not_found",
    }.get(outcome.result, "not_allowed")
    body = f"<p>{e(t[key])}</p>"
    if outcome.status is not None:
        body += f"<p>{e(t['status'])}: {e(status_text(outcome.status, lang))}</p>"
    return _page(t[f"{key}_title"], body, lang, _STATUS_CODES[outcome.result])


async def _show(request: Request, kind: str) -> HTMLResponse:
    token = request.query_params.get("token", "")
    service = visit_service(request)
    outcome = await service.preview(token, _ALLOWED[kind])
    lang = _language(request, outcome, kind)
    registration = outcome.registration
    if outcome.result is not ActionResult.DONE or registration is None or outcome.action is None:
        return _problem(outcome, lang)
    t = TEXT[lang]
    body = _details(registration, lang, personal=kind == "decision")
    status = registration.status
    if kind == "decision" and status is RegistrationStatus.PENDING:
        settings = service.settings
        confirm = action_token(settings, registration, TokenAction.CONFIRM)
        decline = action_token(settings, registration, TokenAction.DECLINE)
        body += f"<p>{e(t['decide_help'])}</p>"
        body += _form(request, confirm, TokenAction.CONFIRM, t["confirm"], "#1b5e20", lang)
        body += _form(request, decline, TokenAction.DECLINE, t["decline"], "#8e0000", lang)
    elif kind == "claim" and status is RegistrationStatus.OFFERED:
        body += f"<p>{e(t['claim_help'])}</p>"
        body += _form(request, token, TokenAction.CLAIM, t["claim"], "#1b5e20", lang)
    elif kind == "cancel" and (status.active or status.on_waitlist):
        body += f"<p>{e(t['leave_help' if status.on_waitlist else 'cancel_help'])}</p>"
        body += _form(request, token, TokenAction.CANCEL, t["cancel"], "#8e0000", lang)
    elif kind == "erase":
        body += f"<p>{e(t['erase_help'])}</p>"
        body += _form(request, token, TokenAction.ERASE, t["erase"], "#8e0000", lang)
    else:
        body += f"<p>{e(t['nothing_to_do'])}</p>"
    return _page(action_title(outcome.action, lang), body, lang)


async def _form_body(request: Request) -> bytes | None:
    """The urlencoded body, or ``None`` when it is larger than a form of ours can be."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    return body


async def _submit(request: Request, kind: str) -> HTMLResponse:
    raw = await _form_body(request)
    if raw is None:
        return _page("Request too large", "", Language.EN, 413)
    try:
        fields = parse_qs(raw.decode("utf-8", "replace"), max_num_fields=4)
    except ValueError:
        fields = {}
    token = (fields.get("token") or [""])[0]
    service = visit_service(request)
    outcome = await service.act(token, _ALLOWED[kind],
                                read_reason((fields.get(REASON_FIELD) or [""])[0]))
    lang = Language.parse((fields.get("lang") or [""])[0])
    if outcome.result is not ActionResult.DONE or outcome.action is None:
        if outcome.result is ActionResult.ALREADY_DONE and outcome.status is not None:
            t = TEXT[lang]
            text = f"{t['already']} {status_text(outcome.status, lang)}."
            return _page(t["not_allowed_title"], f"<p>{e(text)}</p>", lang, 409)
        return _problem(outcome, lang)
    return _page(TEXT[lang][f"done_{outcome.action.value}"], "", lang)


async def _answer(request: Request, kind: str) -> HTMLResponse:
    """The page; 503 with a fixed text when Redis does not answer in time."""
    try:
        if request.method == "POST":
            return await _submit(request, kind)
        return await _show(request, kind)
    except ServiceUnavailable:
        lang = Language.parse(request.query_params.get("lang"))
        t = TEXT[lang]
        page = _page(t["unavailable_title"], f"<p>{e(t['unavailable'])}</p>", lang, 503)
        page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return page


async def decision_page(request: Request) -> HTMLResponse:
    return await _answer(request, "decision")


async def cancel_page(request: Request) -> HTMLResponse:
    return await _answer(request, "cancel")


async def erase_page(request: Request) -> HTMLResponse:
    return await _answer(request, "erase")


async def claim_page(request: Request) -> HTMLResponse:
    return await _answer(request, "claim")


def routes() -> list[Route]:
    return [
        Route(PATHS[TokenAction.CONFIRM], decision_page, methods=["GET", "POST"]),
        Route(PATHS[TokenAction.CANCEL], cancel_page, methods=["GET", "POST"]),
        Route(PATHS[TokenAction.ERASE], erase_page, methods=["GET", "POST"]),
        Route(PATHS[TokenAction.CLAIM], claim_page, methods=["GET", "POST"]),
    ]
