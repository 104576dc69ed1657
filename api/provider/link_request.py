"""Asking for a new provider-page link by the contact's e-mail address (a form on the
provider's page and on its "invalid"/"expired" answers). The answer never tells whether
the address is known: see :mod:`core.visits.provider_links`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.provider.html import base_path, e, field, language, page, read_form
from api.visits.pages import RETRY_AFTER_SECONDS
from api.visits.pages_text import TEXT as LINK_TEXT
from api.visits.runtime import client_address, visit_service
from core.errors import ServiceUnavailable
from core.visits.models import Language
from core.visits.provider_links import ProviderLinks

LINK_PATH = "/provider/link"
_TEXT = {
    Language.SV: {"heading": "Behöver ni en ny länk?", "label": "Kontaktpersonens e-postadress",
                  "send": "Skicka en ny länk", "title": "Ny länk",
                  "sent": "Om adressen hör till en kontaktperson för våra studiebesök har vi "
                          "skickat en ny länk dit.",
                  "refused": "Kontrollera adressen, eller försök igen om en stund."},
    Language.EN: {"heading": "Need a new link?", "label": "The contact person's email address",
                  "send": "Send a new link", "title": "New link",
                  "sent": "If the address belongs to a contact person of our study visits, "
                          "a new link has been sent to it.",
                  "refused": "Check the address, or try again in a while."},
    Language.DA: {"heading": "Har I brug for et nyt link?",
                  "label": "Kontaktpersonens e-mailadresse",
                  "send": "Send et nyt link", "title": "Nyt link",
                  "sent": "Hvis adressen tilhører en kontaktperson for vores studiebesøg, har "
                          "vi sendt et nyt link til den.",
                  "refused": "Kontrollér adressen, eller prøv igen om lidt."},
    Language.NB: {"heading": "Trenger dere en ny lenke?",
                  "label": "Kontaktpersonens e-postadresse",
                  "send": "Send en ny lenke", "title": "Ny lenke",
                  "sent": "Hvis adressen tilhører en kontaktperson for studiebesøkene våre, har "
                          "vi sendt en ny lenke dit.",
                  "refused": "Kontroller adressen, eller prøv igjen om litt."},
}


def link_form(request: Request, lang: Language) -> str:
    t = _TEXT[lang]
    return (
        f'<section><h2>{e(t["heading"])}</h2>'
        f'<form method="post" action="{e(base_path(request) + LINK_PATH)}">'
        f'<input type="hidden" name="lang" value="{lang.value}">'
        f'<label for="link-email">{e(t["label"])}</label><br>'
        '<input type="email" id="link-email" name="email" autocomplete="email" required '
        'maxlength="254" style="font-size:1em;padding:.4em;min-width:18em">'
        f'<button type="submit" class="confirm">{e(t["send"])}</button></form></section>'
    )


def _links(request: Request) -> ProviderLinks:
    state = request.app.state
    found: ProviderLinks | None = getattr(state, "provider_links", None)
    if found is None:
        visits = visit_service(request)
        found = ProviderLinks(visits.settings, visits.redis, visits.queue)
        state.provider_links = found
    return found


async def request_link(request: Request) -> Response:
    fields = await read_form(request)
    if fields is None:
        return page("Request too large", "", Language.EN, 413)
    lang = language(field(fields, "lang"))
    t = _TEXT[lang]
    email = field(fields, "email")
    try:
        accepted = await _links(request).request_link(email, client_address(request))
    except ServiceUnavailable:
        response = page(t["title"], f"<p>{e(LINK_TEXT[lang]['unavailable'])}</p>", lang, 503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if not accepted:
        return page(t["title"], f"<p>{e(t['refused'])}</p>", lang, 429)
    return page(t["title"], f"<p>{e(t['sent'])}</p>", lang)


def routes() -> list[Route]:
    return [Route(LINK_PATH, request_link, methods=["POST"])]
