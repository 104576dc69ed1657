"""Composing the service's emails: templates, escaping, headers and the envelope.

Every header value has its control characters removed before it is set, and headers are
built by :mod:`email.headerregistry` (display names quoted or RFC 2047-encoded), so a
CR/LF in a name or title can neither start a new header nor add a recipient. The SMTP
envelope's recipients are passed explicitly, never read back from the headers.
"""

from __future__ import annotations

import email.policy
import html
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from enum import StrEnum
from functools import cache
from importlib import resources
from string import Template

from core.settings import Settings
from core.visits.formatting import TIMEZONE, visit_date, visit_when
from core.visits.links import action_url
from core.visits.models import Language, Registration
from core.visits.provider_access import provider_page_url
from core.visits.tokens import TokenAction
from workers import ics

POLICY = email.policy.SMTP
_LANGUAGE_NAMES = {Language.SV: "svenska", Language.EN: "engelska"}


class MailKind(StrEnum):
    """One template each; provider emails are in Swedish, the jobseeker's in their language."""

    PROVIDER_NOTIFICATION = "provider_notification"
    PROVIDER_CANCELLATION = "provider_cancellation"
    JOBSEEKER_RECEIPT = "jobseeker_receipt"
    DECISION_CONFIRMED = "decision_confirmed"
    DECISION_DECLINED = "decision_declined"
    VISIT_CANCELLED = "visit_cancelled"
    REMINDER = "reminder"

    @property
    def to_provider(self) -> bool:
        return self in (MailKind.PROVIDER_NOTIFICATION, MailKind.PROVIDER_CANCELLATION)


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """A message and its SMTP envelope."""

    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage

    def as_bytes(self) -> bytes:
        return self.message.as_bytes(policy=POLICY)


def clean(value: str) -> str:
    """The value with every control character (CR, LF, TAB, NUL, …) turned into a space."""
    return "".join(" " if (ord(c) < 32 or 127 <= ord(c) < 160 or c in "\u2028\u2029") else c
                   for c in value).strip()


@cache
def _template(name: str) -> Template:
    text = resources.files("workers").joinpath("templates", name).read_text(encoding="utf-8")
    return Template(text)


@cache
def _text_template(name: str) -> tuple[Template, Template]:
    """The subject line's template and the body's, of a ``.txt`` template."""
    text = resources.files("workers").joinpath("templates", name).read_text(encoding="utf-8")
    first, _, body = text.partition("\n\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"template {name} does not start with a Subject: line")
    return Template(first.removeprefix("Subject:").strip()), Template(body)


def _values(kind: MailKind, registration: Registration, settings: Settings, lang: Language
            ) -> dict[str, str]:
    visit = registration.visit
    values = {
        "lang": lang.value,
        "course_title": visit.title(lang),
        "provider_name": visit.provider_name,
        "visit_when": visit_when(visit, lang),
        "visit_date": visit_date(visit, lang),
        "visit_place": visit.address.one_line(),
        "contact_name": visit.contact_name,
        "contact_email": visit.contact_email,
        "name": registration.name,
        "retention_days": str(settings.personal_data_retention_days),
    }
    if kind.to_provider:  # provider self-service: the "your study visits" page
        values["provider_page_url"] = provider_page_url(settings, visit)
    if kind is MailKind.PROVIDER_NOTIFICATION:
        values.update(
            jobseeker_name=registration.name,
            jobseeker_email=registration.email,
            jobseeker_phone=registration.phone or "–",
            jobseeker_language=_LANGUAGE_NAMES[registration.language],
            confirm_url=action_url(settings, registration, TokenAction.CONFIRM),
            decline_url=action_url(settings, registration, TokenAction.DECLINE),
        )
    elif kind is MailKind.PROVIDER_CANCELLATION:
        values["jobseeker_name"] = registration.name
    else:
        values["cancel_url"] = action_url(settings, registration, TokenAction.CANCEL)
        values["erase_url"] = action_url(settings, registration, TokenAction.ERASE)
    return values


def render(kind: MailKind, registration: Registration, settings: Settings
           ) -> tuple[str, str, str]:
    """Subject, plain text and HTML; every value in the HTML is escaped."""
    lang = Language.SV if kind.to_provider else registration.language
    values = _values(kind, registration, settings, lang)
    subject_template, body_template = _text_template(f"{kind.value}.{lang.value}.txt")
    subject = clean(subject_template.substitute({k: clean(v) for k, v in values.items()}))
    body = body_template.substitute(values)
    escaped = {k: html.escape(v, quote=True) for k, v in values.items()}
    fragment = _template(f"{kind.value}.{lang.value}.html").substitute(escaped)
    page = _template("layout.html").substitute(
        lang=lang.value, subject=html.escape(subject), body=fragment)
    return subject, body, page


def sender_address(settings: Settings) -> Address:
    name, addr = parseaddr(settings.mail_from)
    return Address(clean(name), addr_spec=addr)


def message_id(job: str, registration_id: str, settings: Settings) -> str:
    """The same for every attempt of one email, so a receiver can spot a resend."""
    return f"<{job}.{registration_id}@{sender_address(settings).domain}>"


def compose(kind: MailKind, job: str, registration: Registration, settings: Settings,
            now: int) -> OutgoingMail:
    """The message for ``kind`` about ``registration``, sent by the job ``job``."""
    sender = sender_address(settings)
    visit = registration.visit
    provider = Address(clean(visit.contact_name), addr_spec=visit.contact_email)
    jobseeker = Address(clean(registration.name), addr_spec=registration.email)
    recipient, reply_to = (provider, jobseeker) if kind.to_provider else (jobseeker, provider)
    subject, text, page = render(kind, registration, settings)
    message = EmailMessage(policy=POLICY)
    message["From"] = sender
    message["To"] = recipient
    message["Reply-To"] = reply_to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.fromtimestamp(now, TIMEZONE))
    message["Message-ID"] = message_id(job, registration.id, settings)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, charset="utf-8", cte="quoted-printable")
    message.add_alternative(page, subtype="html", charset="utf-8", cte="quoted-printable")
    if kind in (MailKind.DECISION_CONFIRMED, MailKind.VISIT_CANCELLED):
        cancelled = kind is MailKind.VISIT_CANCELLED
        calendar = ics.invitation(registration, sender.domain, visit.contact_email,
                                  cancelled=cancelled, now=now)
        message.add_attachment(
            calendar, maintype="text", subtype="calendar", filename="studiebesok.ics",
            params={"method": "CANCEL" if cancelled else "REQUEST", "charset": "utf-8"},
        )
    return OutgoingMail(sender.addr_spec, (recipient.addr_spec,), message)
