"""The jobseeker's "my study visits" page behind the emailed link.

``GET /mine?token=…`` lists the address's registrations and changes nothing; ``GET
/mine/visit.ics?token=…&registration=…`` downloads an active one's calendar event
(:func:`core.visits.ics.download`); ``POST /mine/act`` cancels or erases one of them,
guarded like the provider's page by a double-submit CSRF value (``SameSite=Strict``
cookie and hidden field). Each access is logged with counts and outcomes only.
"""

from __future__ import annotations

import html
import logging
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
from api.visits.pages import HEADERS, RETRY_AFTER_SECONDS
from api.visits.pages_text import TEXT as LINK_TEXT
from api.visits.pages_text import status_text
from api.visits.runtime import visit_service
from core.errors import ServiceUnavailable
from core.visits.formatting import visit_when
from core.visits.ics import domain_of, download
from core.visits.models import Language, Registration, RegistrationStatus
from core.visits.my_registrations import MyRegistrations, verify_my_token
from core.visits.service import ActionOutcome, ActionResult
from core.visits.tokens import TokenAction, TokenError, TokenProblem

PAGE_PATH = "/mine"
ACT_PATH = "/mine/act"
ICS_PATH = "/mine/visit.ics"
CSRF_COOKIE = "mine_csrf"
e = html.escape
log = logging.getLogger(__name__)
_TITLE = {Language.SV: "Mina studiebesök", Language.EN: "My study visits",
          Language.DA: "Mine studiebesøg", Language.NB: "Mine studiebesøk"}
_NONE = {Language.SV: "Du har inga anmälningar.", Language.EN: "You have no registrations.",
         Language.DA: "Du har ingen tilmeldinger.", Language.NB: "Du har ingen påmeldinger."}
_ICS = {Language.SV: "Lägg in i kalendern (.ics)", Language.EN: "Add to calendar (.ics)",
        Language.DA: "Føj til kalenderen (.ics)", Language.NB: "Legg til i kalenderen (.ics)"}
# The language switch: each language named in itself.
_IN_LANGUAGE = {Language.SV: "På svenska", Language.EN: "In English",
                Language.DA: "På dansk", Language.NB: "På norsk"}


def ics_url(prefix: str, token: str, registration_id: str) -> str:
    """Where an active registration's calendar file is downloaded (``prefix``: the page's
    base path, or the public base URL)."""
    return f"{prefix}{ICS_PATH}?" + urlencode({"token": token, "registration": registration_id})


def my_registrations(request: Request) -> MyRegistrations:
    state = request.app.state
    found: MyRegistrations | None = getattr(state, "my_registrations", None)
    if found is None:
        visits = visit_service(request)
        found = MyRegistrations(visits.settings, visits.redis, visits.queue)
        state.my_registrations = found
    return found


def read_token(request: Request, token: str) -> str | ActionResult:
    """The token's email hash, or why there is none."""
    try:
        return verify_my_token(visit_service(request).settings.secret_key, token)
    except TokenError as exc:
        return (ActionResult.EXPIRED_TOKEN if exc.problem is TokenProblem.EXPIRED
                else ActionResult.INVALID_TOKEN)


async def act_on_own(request: Request, digest: str, registration_id: str, action: TokenAction
                     ) -> ActionOutcome:
    """Cancel or erase one of the address's registrations (NOT_FOUND when it is not
    theirs): the page's POST and the GraphQL mutations."""
    if not await my_registrations(request).owns(digest, registration_id):
        return ActionOutcome(ActionResult.NOT_FOUND)
    outcome = await visit_service(request).apply(registration_id, action)
    log.info("my study visits action: action=%s result=%s", action.value, outcome.result.value)
    return outcome


def _problem(result: ActionResult, lang: Language) -> HTMLResponse:
    t = LINK_TEXT[lang]
    key = "expired" if result is ActionResult.EXPIRED_TOKEN else "invalid"
    return page(t[f"{key}_title"], f"<p>{e(t[key])}</p>", lang, 410 if key == "expired" else 400)


def _item(request: Request, token: str, r: Registration, lang: Language, csrf: str) -> str:
    t = LINK_TEXT[lang]
    rows = [(t["course"], r.visit.title(lang)), (t["provider"], r.visit.provider_name),
            (t["when"], visit_when(r.visit, lang)), (t["where"], r.visit.address.one_line()),
            (t["status"], status_text(r.status, lang))]
    if r.waitlist_position is not None and r.status is RegistrationStatus.WAITLISTED:
        rows.append((t["waitlist_position"], str(r.waitlist_position)))
    cells = "".join(f'<tr><th scope="row">{e(k)}</th><td>{e(v)}</td></tr>' for k, v in rows)
    buttons = (f'<p><a href="{e(ics_url(base_path(request), token, r.id))}" download>'
               f"{e(_ICS[lang])}</a></p>" if r.status.active else "")
    for action, label, css in ((TokenAction.CANCEL, t["cancel"], "decline"),
                               (TokenAction.ERASE, t["erase"], "decline")):
        if action is TokenAction.CANCEL and not (r.status.active or r.status.on_waitlist):
            continue
        buttons += (
            f'<form method="post" action="{e(base_path(request) + ACT_PATH)}" '
            'style="display:inline">'
            f'<input type="hidden" name="token" value="{e(token)}">'
            f'<input type="hidden" name="csrf" value="{e(csrf)}">'
            f'<input type="hidden" name="lang" value="{lang.value}">'
            f'<input type="hidden" name="registration" value="{e(r.id)}">'
            f'<button type="submit" name="action" value="{action.value}" class="{css}">'
            f"{e(label)}</button></form>")
    return f"<section><h2>{e(r.visit.title(lang))}</h2><table>{cells}</table>{buttons}</section>"


async def _show(request: Request) -> Response:
    lang = language(request.query_params.get("lang"))
    token = request.query_params.get("token", "")
    digest = read_token(request, token)
    if isinstance(digest, ActionResult):
        return _problem(digest, lang)
    registrations = await my_registrations(request).registrations(digest)
    log.info("my study visits listed: registrations=%d", len(registrations))
    csrf = new_csrf()
    switch = "<p>" + " · ".join(
        f'<a lang="{other.value}" href="{e(base_path(request) + PAGE_PATH)}?'
        f'{e(urlencode({"token": token, "lang": other.value}))}">{e(name)}</a>'
        for other, name in _IN_LANGUAGE.items() if other is not lang) + "</p>"
    body = "".join(_item(request, token, r, lang, csrf) for r in registrations)
    response = page(_TITLE[lang], switch + (body or f"<p>{e(_NONE[lang])}</p>"), lang)
    set_csrf_cookie(response, request, CSRF_COOKIE, csrf, PAGE_PATH)
    return response


async def _act(request: Request) -> Response:
    fields = await read_form(request)
    if fields is None:
        return page("Request too large", "", Language.EN, 413)
    lang = language(field(fields, "lang"))
    t = LINK_TEXT[lang]
    if not csrf_matches(fields, request, CSRF_COOKIE):
        return page(t["not_allowed_title"], f"<p>{e(t['not_allowed'])}</p>", lang, 403)
    token = field(fields, "token")
    digest = read_token(request, token)
    if isinstance(digest, ActionResult):
        return _problem(digest, lang)
    action = {"cancel": TokenAction.CANCEL, "erase": TokenAction.ERASE}.get(
        field(fields, "action"))
    not_found = page(t["not_found_title"], f"<p>{e(t['not_found'])}</p>", lang, 404)
    if action is None:
        return not_found
    outcome = await act_on_own(request, digest, field(fields, "registration"), action)
    if outcome.result is ActionResult.NOT_FOUND:
        return not_found
    back = f"{base_path(request)}{PAGE_PATH}?" + urlencode({"token": token, "lang": lang.value})
    link = f'<p><a href="{e(back)}">{e(_TITLE[lang])}</a></p>'
    if outcome.result is not ActionResult.DONE:
        return page(t["not_allowed_title"], f"<p>{e(t['not_allowed'])}</p>" + link, lang, 409)
    return page(t[f"done_{action.value}"], link, lang)


async def _calendar(request: Request) -> Response:
    """One of the address's active registrations as an .ics file to import."""
    lang = language(request.query_params.get("lang"))
    digest = read_token(request, request.query_params.get("token", ""))
    if isinstance(digest, ActionResult):
        return _problem(digest, lang)
    registration_id = request.query_params.get("registration", "")
    mine = my_registrations(request)
    registration = await mine.registration(digest, registration_id)
    log.info("my study visits calendar: found=%s", registration is not None)
    if registration is None or not registration.status.active:
        t = LINK_TEXT[lang]
        return page(t["not_found_title"], f"<p>{e(t['not_found'])}</p>", lang, 404)
    data = download(registration, domain_of(mine.settings.mail_from))
    return Response(data, media_type="text/calendar; charset=utf-8", headers={
        **HEADERS, "Content-Disposition": 'attachment; filename="studiebesok.ics"'})


async def _answer(request: Request) -> Response:
    try:
        if request.method == "POST":
            return await _act(request)
        if request.url.path.endswith(ICS_PATH):
            return await _calendar(request)
        return await _show(request)
    except ServiceUnavailable:
        lang = language(request.query_params.get("lang"))
        t = LINK_TEXT[lang]
        response = page(t["unavailable_title"], f"<p>{e(t['unavailable'])}</p>", lang, 503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def routes() -> list[Route]:
    return [Route(PAGE_PATH, _answer, methods=["GET"]),
            Route(ICS_PATH, _answer, methods=["GET"]),
            Route(ACT_PATH, _answer, methods=["POST"])]
