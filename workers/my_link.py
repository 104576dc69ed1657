"""The self-service links emailed to an address that asked for them: the jobseeker's
"my study visits" link, and the provider's page link (:mod:`core.visits.provider_links`).

The job takes the address's keyed hash and a language, never the address: the address is
read from the newest of its registrations (:mod:`core.visits.my_registrations`). A link
mail is a convenience the person can ask for again, so it is sent at most once per job
(arq's ``_job_id`` dedupes requests within a minute); transient SMTP failures are retried
a few times, permanent ones dropped.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from urllib.parse import urlencode

from arq import Retry
from redis.asyncio import Redis

from core.settings import Settings
from core.visits.formatting import TIMEZONE
from core.visits.models import Language
from core.visits.my_registrations import MyRegistrations, issue_my_token
from core.visits.provider_access import ProviderClaims, contact_visits, provider_page_url
from workers.emails import OutgoingMail, clean, sender_address
from workers.mail_policy import POLICY
from workers.mailer import Mailer, Outcome

logger = logging.getLogger(__name__)
MAX_TRIES = 5
_TEXT = {
    Language.SV: ("Dina studiebesök",
                  "Hej!\n\nHär är länken till dina anmälningar till studiebesök. Där kan du "
                  "se, avboka och ta bort dem. Länken gäller i {hours} timmar.\n\n{url}\n\n"
                  "Bad du inte om länken kan du bortse från mejlet.\n\nVänliga hälsningar\n"
                  "Studiebesök\n"),
    Language.EN: ("Your study visits",
                  "Hello,\n\nHere is the link to your study-visit registrations, where you "
                  "can see, cancel and delete them. The link works for {hours} hours.\n\n"
                  "{url}\n\nIf you did not ask for it, you can ignore this email.\n\n"
                  "Kind regards\nStudy visits\n"),
}


_PROVIDER_TEXT = ("Hej!\n\nHär är länken till era studiebesök och anmälningarna till dem. "
                  "Länken gäller i {days} dagar.\n\n{url}\n\nBad ni inte om länken kan ni "
                  "bortse från mejlet.\n\nVänliga hälsningar\nStudiebesök\n")


def my_page_url(settings: Settings, digest: str, language: Language) -> str:
    token = issue_my_token(settings, digest)
    return f"{settings.public_base_url}/mine?{urlencode({'token': token, 'lang': language.value})}"


async def send_my_registrations_link(ctx: dict[str, Any], digest: str, language: str) -> str:
    settings: Settings = ctx["settings"]
    redis: Redis = ctx["redis"]
    lang = Language.EN if language == "en" else Language.SV
    registrations = await MyRegistrations(settings, redis, ctx["redis"]).registrations(digest)
    if not registrations:
        return "no registrations"
    newest = max(registrations, key=lambda r: r.created_at)
    subject, body = _TEXT[lang]
    text = body.format(hours=settings.my_link_hours, url=my_page_url(settings, digest, lang))
    return await _send(ctx, Address(clean(newest.name), addr_spec=newest.email), subject, text)


async def send_provider_link(ctx: dict[str, Any], digest: str, organisation: str) -> str:
    """The provider page's link, to the contact (by hash) of the organisation's visits."""
    settings: Settings = ctx["settings"]
    visits = await contact_visits(ctx["redis"], settings, ProviderClaims(organisation, digest, 0))
    if not visits:
        return "no visits"
    visit = visits[0]
    text = _PROVIDER_TEXT.format(days=settings.provider_link_days,
                                 url=provider_page_url(settings, visit))
    return await _send(ctx, Address(clean(visit.contact_name), addr_spec=visit.contact_email),
                       "Era studiebesök", text)


async def _send(ctx: dict[str, Any], to: Address, subject: str, text: str) -> str:
    settings: Settings = ctx["settings"]
    sender = sender_address(settings)
    message = EmailMessage(policy=POLICY)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.fromtimestamp(time.time(), TIMEZONE))
    message["Message-ID"] = make_msgid(domain=sender.domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, charset="utf-8", cte="quoted-printable")
    mailer: Mailer = ctx["mailer"]
    sent = await mailer.send(OutgoingMail(sender.addr_spec, (to.addr_spec,), message))
    if sent.outcome is Outcome.TRANSIENT and ctx.get("job_try", 1) < MAX_TRIES:
        raise Retry(defer=settings.email_retry_base_seconds * ctx.get("job_try", 1))
    logger.info("self-service link: %s", sent.outcome.value)
    return sent.outcome.value
