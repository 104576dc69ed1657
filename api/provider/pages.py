"""The provider's page: upcoming visits with who is coming, decisions, a CSV per visit.

``GET /provider?token=…`` shows the list and changes nothing; ``GET /provider/visit.csv``
downloads one visit's list. ``POST /provider/decide`` confirms or declines the ticked
registrations. Unlike the one-registration link pages, this page holds a form acting on
many registrations, so its POST is also guarded against cross-site requests with a
double-submit token: the GET sets a random value in a ``SameSite=Strict``, ``HttpOnly``
cookie and in a hidden field; a POST whose field does not match the cookie changes
nothing (403). Pages are never cached, indexed or framed and send no Referer.
"""

from __future__ import annotations

import csv
import html
import io
import logging
import re
import time
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from api.provider.html import (
    base_path,
    csrf_matches,
    field,
    language,
    new_csrf,
    page,
    read_form,
    set_csrf_cookie,
)
from api.provider.link_request import link_form
from api.provider.link_request import routes as link_routes
from api.provider.text import TEXT
from api.visits.decline_reasons import FIELD as REASON_FIELD
from api.visits.decline_reasons import read_reason, reason_select
from api.visits.pages import HEADERS, RETRY_AFTER_SECONDS
from api.visits.pages_text import status_text
from api.visits.runtime import visit_service
from core.errors import ServiceUnavailable
from core.visits.attendance import Attendance
from core.visits.formatting import numeric_time, visit_when, zone_of
from core.visits.models import Language, RegistrationStatus
from core.visits.provider_access import (
    ProviderAccess,
    ProviderVisit,
)
from core.visits.service import ActionResult
from core.visits.short_reference import short_reference
from core.visits.tokens import TokenAction

PAGE_PATH = "/provider"
DECIDE_PATH = "/provider/decide"
CSV_PATH = "/provider/visit.csv"
CSRF_COOKIE = "provider_csrf"
_DECISIONS = {"confirm": TokenAction.CONFIRM, "decline": TokenAction.DECLINE}
_MARKS = {"attended": Attendance.ATTENDED, "absent": Attendance.ABSENT}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
e = html.escape
log = logging.getLogger(__name__)


def provider_access(request: Request) -> ProviderAccess:
    state = request.app.state
    access: ProviderAccess | None = getattr(state, "provider_access", None)
    if access is None:
        access = ProviderAccess(visit_service(request))
        state.provider_access = access
    return access


def _problem(request: Request, result: ActionResult, lang: Language) -> HTMLResponse:
    t = TEXT[lang]
    key = "expired" if result is ActionResult.EXPIRED_TOKEN else "invalid"
    return page(t[f"{key}_title"], f"<p>{e(t[key])}</p>" + link_form(request, lang), lang,
                410 if key == "expired" else 400)


def _visit_section(request: Request, token: str, item: ProviderVisit, lang: Language,
                   csrf: str) -> str:
    t = TEXT[lang]
    visit = item.visit
    csv_url = f"{base_path(request)}{CSV_PATH}?" + urlencode(
        {"token": token, "visit": visit.id, "lang": lang.value})
    head = (
        f"<section><h2>{e(visit.title(lang))}</h2><p>{e(visit_when(visit, lang))}<br>"
        f"{e(visit.address.one_line())}<br>{e(t['capacity'])}: {visit.capacity}, "
        f"{e(t['taken'])}: {item.seats_taken}, {e(t['attended_count'])}: {item.attended_count}"
        f", {e(t['waitlist'])}: {item.waitlist_length}</p>"
        f'<p><a href="{e(csv_url)}">{e(t["csv"])}</a></p>'
    )
    waitlist = _waitlist(item, lang)
    if not item.registrations:
        return head + f"<p>{e(t['no_registrations'])}</p>{waitlist}</section>"
    started = item.started(time.time())
    selectable = ((RegistrationStatus.CONFIRMED,) if started
                  else (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED))
    columns = ("select", "reference", "name", "email", "phone", "language", "status",
               "registered", "attendance")
    rows = "".join(
        "<tr><td>"
        + (f'<input type="checkbox" name="registration" value="{e(r.id)}" '
           f'aria-label="{e(t["select"])} {e(r.name)}">' if r.status in selectable else "")
        + f"</td><td>{e(short_reference(r.id))}</td><td>{e(r.name)}</td><td>{e(r.email)}</td>"
        f"<td>{e(r.phone or '–')}</td><td>{e(t['lang_' + r.language.value])}</td>"
        f"<td>{e(status_text(r.status, lang))}</td>"
        f"<td>{e(numeric_time(r.created_at, zone_of(item.visit)))}</td>"
        f"<td>{e(t[item.attendance[r.id].value] if r.id in item.attendance else '–')}</td></tr>"
        for r in item.registrations
    )
    header = "".join(f'<th scope="col">{e(t[c])}</th>' for c in columns)
    buttons = (("attended", "confirm", "mark_attended"), ("absent", "decline", "mark_absent")
               ) if started else (("confirm", "confirm", "confirm_selected"),
                                  ("decline", "decline", "decline_selected"),
                                  ("undo", "decline", "undo_selected"))
    form = (
        f'<form method="post" action="{e(base_path(request) + DECIDE_PATH)}">'
        f'<input type="hidden" name="token" value="{e(token)}">'
        f'<input type="hidden" name="csrf" value="{e(csrf)}">'
        f'<input type="hidden" name="lang" value="{lang.value}">'
        f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>"
        + ("" if started else f"<p>{reason_select(lang, 'reason-' + item.visit.id)}</p>")
        + "".join(f'<button type="submit" name="action" value="{value}" class="{css}">'
                  f"{e(t[label])}</button>" for value, css, label in buttons)
        + "</form>"
    )
    return head + form + waitlist + "</section>"


def _waitlist(item: ProviderVisit, lang: Language) -> str:
    """Who waits for a seat, next in line first."""
    if not item.waitlist:
        return ""
    t = TEXT[lang]
    entries = "".join(f"<li>{e(r.name)} ({e(short_reference(r.id))}, {e(r.email)})</li>"
                      for r in item.waitlist)
    return (f"<h3>{e(t['waitlist'])} ({item.waitlist_length})</h3>"
            f"<p>{e(t['waitlist_note'])}</p><ol>{entries}</ol>")


async def _show(request: Request) -> Response:
    lang = language(request.query_params.get("lang"))
    token = request.query_params.get("token", "")
    claims = provider_access(request).claims(token)
    if isinstance(claims, ActionResult):
        return _problem(request, claims, lang)
    listing = await provider_access(request).list_visits(claims)
    t = TEXT[lang]
    csrf = new_csrf()
    body = "".join(_visit_section(request, token, item, lang, csrf) for item in listing)
    response = page(t["title"], (body or f"<p>{e(t['no_visits'])}</p>")
                    + link_form(request, lang), lang)
    set_csrf_cookie(response, request, CSRF_COOKIE, csrf, PAGE_PATH)
    return response


async def _decide(request: Request) -> Response:
    fields = await read_form(request)
    if fields is None:
        return page("Request too large", "", Language.EN, 413)
    lang = language(field(fields, "lang"))
    t = TEXT[lang]
    if not csrf_matches(fields, request, CSRF_COOKIE):
        return page(t["forbidden_title"], f"<p>{e(t['forbidden'])}</p>", lang, 403)
    token = field(fields, "token")
    claims = provider_access(request).claims(token)
    if isinstance(claims, ActionResult):
        return _problem(request, claims, lang)
    chosen = field(fields, "action")
    selected = fields.get("registration", [])
    access = provider_access(request)
    if chosen in _DECISIONS:
        decided = await access.decide(claims, selected, _DECISIONS[chosen],
                                      read_reason(field(fields, REASON_FIELD)))
        results = [o.outcome.result.value for o in decided]
    elif chosen == "undo":
        undone = await access.undo_confirmations(claims, selected)
        results = [o.outcome.result.value for o in undone]
    elif chosen in _MARKS:
        marked = await access.mark_attendance(claims, selected, _MARKS[chosen])
        results = [result.value for _, result in marked]
    else:
        return page(t["not_allowed_title"], "", lang, 400)
    done = results.count("DONE")
    back = f"{base_path(request)}{PAGE_PATH}?" + urlencode({"token": token, "lang": lang.value})
    body = (f"<p>{e(t['decided'].format(done=done, skipped=len(results) - done))}</p>"
            f'<p><a href="{e(back)}">{e(t["back"])}</a></p>')
    return page(t["title"], body, lang)


def _cell(value: str) -> str:
    """A spreadsheet would run a cell starting like a formula: such a cell is quoted."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


async def _csv(request: Request) -> Response:
    lang = language(request.query_params.get("lang"))
    claims = provider_access(request).claims(request.query_params.get("token", ""))
    if isinstance(claims, ActionResult):
        return _problem(request, claims, lang)
    wanted = request.query_params.get("visit", "")
    listing = await provider_access(request).list_visits(claims)
    item = next((i for i in listing if i.visit.id == wanted), None)
    log.info("provider list downloaded: organisation=%s found=%s rows=%d",
             claims.organisation, item is not None, len(item.registrations) if item else 0)
    if item is None:
        return page(TEXT[lang]["not_found_title"], "", lang, 404)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["reference", "name", "email", "phone", "language", "status",
                     "registered_at", "attendance"])
    for r in item.registrations:
        writer.writerow([_cell(v) for v in (
            short_reference(r.id), r.name, r.email, r.phone or "", r.language.value,
            r.status.value, numeric_time(r.created_at, zone_of(item.visit)),
            item.attendance[r.id].value if r.id in item.attendance else "")])
    filename = "study-visit-" + re.sub(r"[^A-Za-z0-9_-]", "_", item.visit.visit_id) + ".csv"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
        **HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'})


async def _answer(request: Request) -> Response:
    """The page; 503 with a fixed text when Redis does not answer in time."""
    try:
        if request.url.path.endswith(DECIDE_PATH):
            return await _decide(request)
        if request.url.path.endswith(CSV_PATH):
            return await _csv(request)
        return await _show(request)
    except ServiceUnavailable:
        t = TEXT[language(request.query_params.get("lang"))]
        response = page(t["unavailable_title"], f"<p>{e(t['unavailable'])}</p>",
                     language(request.query_params.get("lang")), 503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def routes() -> list[Route]:
    return [
        Route(PAGE_PATH, _answer, methods=["GET"]),
        Route(CSV_PATH, _answer, methods=["GET"]),
        Route(DECIDE_PATH, _answer, methods=["POST"]),
        *link_routes(),
    ]
