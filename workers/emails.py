"""Composing the service's emails: templates, escaping, headers and the envelope.

Templates are Jinja2 (autoescaped HTML, one base layout per format whose words come per
language from :data:`LAYOUTS`), so a new kind of email is two small files per language
and an entry in :class:`MailKind`.

The Jinja environment is built once per process and compiles each template once (no
re-reading of the files: ``auto_reload`` off). Every header value has its control
characters removed before it is written, and the message's bytes are written by
:mod:`workers.mime` (display names quoted or RFC 2047-encoded), so a CR/LF in a name or
title can neither start a new header nor add a recipient. The SMTP envelope's
recipients are passed explicitly, never read back from the headers.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from enum import StrEnum
from functools import cache, lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from core.settings import Settings
from core.visits import dispatch, ics, withdrawal
from core.visits.formatting import (
    TIMEZONE,
    moment,
    moment_when,
    visit_date,
    visit_when,
    zone_of,
)
from core.visits.language_names import language_name
from core.visits.links import action_url, token_expiry
from core.visits.models import CancelReason, DeclineReason, Language, Registration
from core.visits.provider_access import provider_page_url
from core.visits.reminders import reminder_scheduled
from core.visits.short_reference import short_reference
from core.visits.tokens import TokenAction
from workers import email_links, mime

_DECLINE_REASONS = {
    Language.SV: {
        DeclineReason.VISIT_FULL: "Studiebesöket är fullbokat.",
        DeclineReason.VISIT_CANCELLED: "Studiebesöket är inställt.",
        DeclineReason.NOT_SUITABLE: "Anordnaren bedömer att studiebesöket inte passar dig.",
        DeclineReason.OTHER: "Anordnaren har angett ett annat skäl.",
    },
    Language.EN: {
        DeclineReason.VISIT_FULL: "The study visit is fully booked.",
        DeclineReason.VISIT_CANCELLED: "The study visit has been cancelled.",
        DeclineReason.NOT_SUITABLE: "The provider finds that the study visit does not suit you.",
        DeclineReason.OTHER: "The provider gave another reason.",
    },
    Language.DA: {
        DeclineReason.VISIT_FULL: "Studiebesøget er fuldt booket.",
        DeclineReason.VISIT_CANCELLED: "Studiebesøget er aflyst.",
        DeclineReason.NOT_SUITABLE: "Udbyderen vurderer, at studiebesøget ikke passer til dig.",
        DeclineReason.OTHER: "Udbyderen har angivet en anden grund.",
    },
    Language.NB: {
        DeclineReason.VISIT_FULL: "Studiebesøket er fullbooket.",
        DeclineReason.VISIT_CANCELLED: "Studiebesøket er avlyst.",
        DeclineReason.NOT_SUITABLE: "Arrangøren vurderer at studiebesøket ikke passer for deg.",
        DeclineReason.OTHER: "Arrangøren har oppgitt en annen grunn.",
    },
}


class MailKind(StrEnum):
    """One template each; provider emails are in the language of the provider's country
    (Swedish, Danish, Norwegian), the jobseeker's in the registration's language."""

    PROVIDER_NOTIFICATION = "provider_notification"
    PROVIDER_CANCELLATION = "provider_cancellation"
    JOBSEEKER_RECEIPT = "jobseeker_receipt"
    DECISION_CONFIRMED = "decision_confirmed"
    DECISION_DECLINED = "decision_declined"
    VISIT_CANCELLED = "visit_cancelled"
    REMINDER = "reminder"
    CANCELLATION_RECEIPT = "cancellation_receipt"
    PROVIDER_WITHDRAWAL = "provider_withdrawal"
    PROVIDER_REMINDER = "provider_reminder"
    REGISTRATION_EXPIRED = "registration_expired"
    WAITLIST_RECEIPT = "waitlist_receipt"
    WAITLIST_OFFER = "waitlist_offer"
    VISIT_RESCHEDULED = "visit_rescheduled"
    VISIT_RESCHEDULED_PENDING = "visit_rescheduled_pending"

    @property
    def to_provider(self) -> bool:
        return self in (MailKind.PROVIDER_NOTIFICATION, MailKind.PROVIDER_CANCELLATION,
                        MailKind.PROVIDER_WITHDRAWAL, MailKind.PROVIDER_REMINDER)


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """A message (its bytes, CRLF line ends) and its SMTP envelope."""

    sender: str
    recipients: tuple[str, ...]
    data: bytes

    def as_bytes(self) -> bytes:
        return self.data

    @property
    def message(self) -> EmailMessage:
        """The message as a mail client reads it (parsed anew on each access)."""
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clean(value: str) -> str:
    """The value with every control character (CR, LF, TAB, NUL, …) turned into a space
    (a search in C: ``str.translate`` looked up every character of every value)."""
    return _CONTROLS.sub(" ", value).strip()


@cache
def _templates() -> Environment:
    """Templates under ``workers/templates``: each kind extends ``base.txt``/``base.html``;
    HTML autoescapes every value and a missing value is an error, never an empty gap."""
    return Environment(
        loader=PackageLoader("workers", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # compiled once per process: the files are part of the release
        cache_size=-1,  # every template stays compiled
    )


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
        "contact_phone": visit.contact_phone or "",
        "course_url": email_links.course_url(settings, visit),
        "similar_courses_url": email_links.similar_courses_url(settings, visit, lang),
        "map_url": email_links.map_url(visit),
        "name": registration.name,
        "retention_days": str(settings.personal_data_retention_days),
        "reference": short_reference(withdrawal.registration_id_of(registration.id)),
    }
    if registration.previous_visit is not None:  # rescheduled: where and when it was
        values["previous_when"] = visit_when(registration.previous_visit, lang)
        values["previous_place"] = registration.previous_visit.address.one_line()
    if kind is MailKind.DECISION_CONFIRMED and reminder_scheduled(registration, settings):
        values["reminder_hours"] = str(settings.reminder_hours_before)
    if kind is MailKind.VISIT_CANCELLED:  # the visit is gone, or the provider undid its yes
        values["undone"] = ("yes" if registration.cancel_reason is CancelReason.PROVIDER
                            else "")
    if kind is MailKind.DECISION_DECLINED and registration.decline_reason is not None:
        values["decline_reason"] = _DECLINE_REASONS[lang][registration.decline_reason]
    if kind.to_provider:  # provider self-service: the "your study visits" page
        values["provider_page_url"] = provider_page_url(settings, visit)
    if kind is MailKind.PROVIDER_REMINDER:
        values["registered_when"] = moment(registration.created_at, lang, zone_of(visit))
    if kind in (MailKind.PROVIDER_NOTIFICATION, MailKind.PROVIDER_REMINDER):
        values.update(
            jobseeker_name=registration.name,
            jobseeker_email=registration.email,
            jobseeker_phone=registration.phone or "–",
            jobseeker_language=language_name(registration.language, lang),
            confirm_url=action_url(settings, registration, TokenAction.CONFIRM),
            decline_url=action_url(settings, registration, TokenAction.DECLINE),
        )
    elif kind is MailKind.PROVIDER_CANCELLATION:
        values["jobseeker_name"] = registration.name
    else:
        values["cancel_url"] = action_url(settings, registration, TokenAction.CANCEL)
        values["erase_url"] = action_url(settings, registration, TokenAction.ERASE)
    if kind is MailKind.WAITLIST_RECEIPT:  # the place in line on joining it
        values["waitlist_position"] = str(registration.waitlist_position or "–")
    if kind is MailKind.WAITLIST_OFFER:  # the claim link works as long as the offer
        values["claim_url"] = action_url(settings, registration, TokenAction.CLAIM)
        values["offer_expires"] = moment_when(
            token_expiry(registration, TokenAction.CLAIM), lang, zone_of(visit))
    return values


def render(kind: MailKind, registration: Registration, settings: Settings
           ) -> tuple[str, str, str]:
    """Subject, plain text and HTML; every value in the HTML is escaped."""
    lang = registration.visit.provider_language if kind.to_provider else registration.language
    values = _values(kind, registration, settings, lang)
    calendar_cancelled = _calendar_method(kind, registration) == "CANCEL"
    return render_template(kind.value, lang, values, calendar_cancelled=calendar_cancelled)


@dataclass(frozen=True, slots=True)
class Layout:
    """The words of the layout every email shares (``base.txt``, ``base.html``)."""

    reference: str
    regards: str
    service: str


LAYOUTS = {
    Language.SV: Layout("Referens", "Vänliga hälsningar", "Studiebesök"),
    Language.EN: Layout("Reference", "Kind regards", "Study visits"),
    Language.DA: Layout("Reference", "Venlig hilsen", "Studiebesøg"),
    Language.NB: Layout("Referanse", "Vennlig hilsen", "Studiebesøk"),
}


def render_template(name: str, lang: Language, values: Mapping[str, str],
                    **flags: bool) -> tuple[str, str, str]:
    """Subject, plain text and HTML of the template ``name`` in ``lang``."""
    text_template = _templates().get_template(f"{name}.{lang.value}.txt")
    subject_block = text_template.blocks["subject"]
    subject = clean("".join(subject_block(text_template.new_context(
        {k: clean(v) for k, v in values.items()}))))
    layout = {"lang": lang.value, "layout": LAYOUTS[lang]}
    body = text_template.render(values, **layout, **flags)
    page = _templates().get_template(f"{name}.{lang.value}.html").render(
        values, subject=subject, **layout, **flags)
    return subject, body, page


def _calendar_method(kind: MailKind, registration: Registration) -> str | None:
    """The iTIP method of the email's calendar attachment; ``None``: it carries none.

    A cancellation (the jobseeker's own, or the visit's) cancels the event only when there
    was one: a registration that had been decided before it was cancelled had been
    confirmed (a declined one cannot be cancelled); a pending or waitlisted one never had
    an invitation."""
    if kind in (MailKind.DECISION_CONFIRMED, MailKind.VISIT_RESCHEDULED):
        return "REQUEST"
    cancellations = (MailKind.VISIT_CANCELLED, MailKind.CANCELLATION_RECEIPT)
    if kind in cancellations and registration.decided_at is not None:
        return "CANCEL"
    return None


@cache
def sender_address(settings: Settings) -> Address:
    name, addr = parseaddr(settings.mail_from)
    return Address(clean(name), addr_spec=addr)


@cache
def _from_header(settings: Settings) -> str:
    return mime.address("From", sender_address(settings))


@lru_cache(maxsize=256)
def _contact_address(name: str, addr_spec: str) -> Address:
    """A course contact's address (the same for every email about their visits)."""
    return Address(clean(name), addr_spec=addr_spec)


def message_id(job: str, registration_id: str, settings: Settings, revision: int = 0) -> str:
    """The same for every attempt of one email, so a receiver can spot a resend; an email
    owed again after a reschedule is another email (its ``revision``)."""
    again = f".r{revision}" if revision else ""
    return f"<{job}.{registration_id}{again}@{sender_address(settings).domain}>"


def compose(kind: MailKind, job: str, registration: Registration, settings: Settings,
            now: int) -> OutgoingMail:
    """The message for ``kind`` about ``registration``, sent by the job ``job``."""
    sender = sender_address(settings)
    visit = registration.visit
    provider = _contact_address(visit.contact_name, visit.contact_email)
    jobseeker = (Address(clean(registration.name), addr_spec=registration.email)
                 if registration.email else None)  # None: erased (a withdrawal notice)
    recipient, reply_to = (provider, jobseeker) if kind.to_provider else (jobseeker, provider)
    if recipient is None:
        raise ValueError(f"{kind.value} has no recipient")
    subject, text, page = render(kind, registration, settings)
    revision = registration.ics_sequence if job in dispatch.REVISED_JOBS else 0
    headers = message_headers(settings, recipient, subject, now,
                              message_id(job, registration.id, settings, revision), reply_to,
                              zone_of(visit))
    attachment = None
    calendar_method = _calendar_method(kind, registration)
    if calendar_method is not None:
        cancelled = calendar_method == "CANCEL"
        calendar = ics.invitation(registration, sender.domain, visit.contact_email,
                                  cancelled=cancelled, now=now, sent_by=sender.addr_spec,
                                  sequence=registration.ics_sequence + int(cancelled))
        attachment = mime.Attachment(calendar, "text", "calendar", "studiebesok.ics",
                                     (("method", calendar_method), ("charset", "utf-8")))
    return OutgoingMail(sender.addr_spec, (recipient.addr_spec,),
                        mime.message_bytes(headers, text, page, attachment))


def message_headers(settings: Settings, to: Address, subject: str, now: float,
                    message_id: str, reply_to: Address | None = None,
                    zone: tzinfo = TIMEZONE) -> list[str]:
    """The encoded headers of one of the service's emails (:mod:`workers.mime`); the Date
    in ``zone`` (the visit's country's)."""
    headers = [_from_header(settings), mime.address("To", to)]
    if reply_to is not None:
        headers.append(mime.address("Reply-To", reply_to))
    return [*headers, mime.unstructured("Subject", subject),
            f"Date: {format_datetime(datetime.fromtimestamp(now, zone))}",
            f"Message-ID: {message_id}", "Auto-Submitted: auto-generated"]
