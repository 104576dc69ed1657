"""The self-service links emailed to an address that asked for them: the jobseeker's
"my study visits" link, and the provider's page link (:mod:`core.visits.provider_links`).

The job takes the address's keyed hash and a language, never the address: the address is
read from the newest of its registrations (:mod:`core.visits.my_registrations`). A link
mail is a convenience the person can ask for again, so it is sent at most once per job
(arq's ``_job_id`` dedupes requests within a minute); transient SMTP failures are retried
a few times, permanent ones dropped. The texts are the templates
``my_registrations_link.{sv,en,da,nb}`` and ``provider_link.{sv,da,nb}`` (in the language of
the provider's country; :mod:`workers.emails`).
"""

from __future__ import annotations

import logging
import time
from email.headerregistry import Address
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlencode

from arq import Retry
from redis.asyncio import Redis

from core.settings import Settings
from core.visits.models import Language
from core.visits.my_registrations import MyRegistrations, issue_my_token
from core.visits.provider_access import ProviderClaims, contact_visits, provider_page_url
from workers import mime
from workers.emails import (
    OutgoingMail,
    clean,
    message_headers,
    render_template,
    sender_address,
)
from workers.mailer import Mailer, Outcome

logger = logging.getLogger(__name__)
MAX_TRIES = 5


def my_page_url(settings: Settings, digest: str, language: Language) -> str:
    token = issue_my_token(settings, digest)
    return f"{settings.public_base_url}/mine?{urlencode({'token': token, 'lang': language.value})}"


async def send_my_registrations_link(ctx: dict[str, Any], digest: str, language: str) -> str:
    settings: Settings = ctx["settings"]
    redis: Redis = ctx["redis"]
    lang = Language.parse(language)
    registrations = await MyRegistrations(settings, redis, ctx["redis"]).registrations(digest)
    if not registrations:
        return "no registrations"
    newest = max(registrations, key=lambda r: r.created_at)
    mail = render_template("my_registrations_link", lang, {
        "hours": str(settings.my_link_hours), "url": my_page_url(settings, digest, lang)})
    return await _send(ctx, Address(clean(newest.name), addr_spec=newest.email), mail)


async def send_provider_link(ctx: dict[str, Any], digest: str, organisation: str) -> str:
    """The provider page's link, to the contact (by hash) of the organisation's visits."""
    settings: Settings = ctx["settings"]
    visits = await contact_visits(ctx["redis"], settings, ProviderClaims(organisation, digest, 0))
    if not visits:
        return "no visits"
    visit = visits[0]
    mail = render_template("provider_link", visit.provider_language, {
        "days": str(settings.provider_link_days), "url": provider_page_url(settings, visit)})
    return await _send(ctx, Address(clean(visit.contact_name), addr_spec=visit.contact_email),
                       mail)


async def _send(ctx: dict[str, Any], to: Address, mail: tuple[str, str, str]) -> str:
    """Send the rendered (subject, text, HTML) to ``to``."""
    subject, text, page = mail
    settings: Settings = ctx["settings"]
    sender = sender_address(settings)
    headers = message_headers(settings, to, subject, time.time(),
                              make_msgid(domain=sender.domain))
    message = mime.message_bytes(headers, text, page)
    mailer: Mailer = ctx["mailer"]
    sent = await mailer.send(OutgoingMail(sender.addr_spec, (to.addr_spec,), message))
    if sent.outcome is Outcome.TRANSIENT and ctx.get("job_try", 1) < MAX_TRIES:
        raise Retry(defer=settings.email_retry_base_seconds * ctx.get("job_try", 1))
    logger.info("self-service link: %s", sent.outcome.value)
    return sent.outcome.value
