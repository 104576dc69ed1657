"""Composing emails: escaping, headers, envelope, Message-ID, retry backoff."""

import dataclasses
import email
import email.policy
import html
import re
from email.header import decode_header, make_header

import pytest

from core.nordic_reference import Country
from core.settings import Settings
from core.visits.formatting import visit_date
from core.visits.models import (
    Address,
    CancelReason,
    Language,
    Registration,
    RegistrationStatus,
    Visit,
)
from core.visits.provider_access import verify_provider_token
from core.visits.short_reference import short_reference
from workers.emails import MailKind, compose, message_id, render, render_template

SETTINGS = Settings.from_env({
    "MEILI_URL": "http://127.0.0.1:7700", "MEILI_MASTER_KEY": "m" * 20,
    "REDIS_URL": "redis://127.0.0.1:6379/0", "SECRET_KEY": "s" * 40,
    "PUBLIC_BASE_URL": "https://studiebesok.example",
    "EMAIL_RETRY_BASE_SECONDS": "10", "EMAIL_RETRY_MAX_SECONDS": "300",
})
VISIT = Visit(
    id="5590123450-K1~SB1", visit_id="SB1", course_id="5590123450-K1",
    course_title="Svetsare <MIG/MAG> & co", course_title_en="Welder <MIG/MAG>",
    provider_name="Öresunds Yrkesutbildning AB", municipality_name="Malmö",
    start="2027-03-02T10:00:00+01:00", start_ts=1803978000, duration_minutes=90, capacity=5,
    address=Address("Industrigatan 4", "212 14", "Malmö"),
    contact_name="Karin Lindqvist", contact_email="karin@utbildning.example",
)
REGISTRATION = Registration(
    id="abcDEF123_-", status=RegistrationStatus.CONFIRMED, visit=VISIT,
    name='Ann "<script>" Andersson', email="ann@example.se", phone="070-123 45 67",
    language=Language.EN, created_at=1_800_000_000, updated_at=1_800_000_000,
    expires_at=1_810_000_000,
    previous_visit=dataclasses.replace(VISIT, start_ts=1803960000,
                                       address=Address("Verkstadsgatan 1", "212 15", "Malmö")),
)


@pytest.mark.parametrize("kind", list(MailKind))
@pytest.mark.parametrize("language", list(Language))
def test_every_template_renders_with_values_escaped_in_html(kind: MailKind,
                                                            language: Language) -> None:
    registration = dataclasses.replace(REGISTRATION, language=language)
    subject, text, page = render(kind, registration, SETTINGS)
    assert subject and "\n" not in subject and "\r" not in subject
    assert "$" not in text and "$" not in page
    assert "<script>" not in page and "<MIG/MAG>" not in page
    assert "&lt;MIG/MAG&gt;" in page or "&lt;script&gt;" in page
    assert page.startswith("<!DOCTYPE html>")
    if not kind.to_provider:
        assert "/visits/cancel?token=" in text or "/visits/erase?token=" in text


def test_the_jobseeker_gets_their_language_and_the_provider_swedish() -> None:
    english = dataclasses.replace(REGISTRATION, language=Language.EN)
    assert render(MailKind.DECISION_CONFIRMED, english, SETTINGS)[0].startswith("Confirmed")
    assert "Welder" in render(MailKind.DECISION_CONFIRMED, english, SETTINGS)[0]
    assert render(MailKind.PROVIDER_NOTIFICATION, english, SETTINGS)[0].startswith("Ny anmälan")
    assert "tuesday" in render(MailKind.REMINDER, english, SETTINGS)[1].lower()
    swedish = dataclasses.replace(REGISTRATION, language=Language.SV)
    assert "tisdag 2 mars 2027 kl. 10:00–11:30" in render(MailKind.REMINDER, swedish,
                                                           SETTINGS)[1]


def test_two_registrations_for_one_visit_give_the_provider_two_distinct_subjects() -> None:
    other = dataclasses.replace(REGISTRATION, id="zyx987_-")
    for kind in (MailKind.PROVIDER_NOTIFICATION, MailKind.PROVIDER_CANCELLATION):
        first, second = (render(kind, r, SETTINGS)[0] for r in (REGISTRATION, other))
        assert first != second and short_reference(REGISTRATION.id) in first
        assert visit_date(VISIT, Language.SV) in first


def test_headers_envelope_and_reply_to() -> None:
    provider = compose(MailKind.PROVIDER_NOTIFICATION, "send_provider_notification",
                       REGISTRATION, SETTINGS, 1_800_000_000)
    assert provider.sender == "no-reply@studiebesok.localhost"
    assert provider.recipients == ("karin@utbildning.example",)
    assert provider.message["Reply-To"].addresses[0].addr_spec == "ann@example.se"
    assert provider.message["Auto-Submitted"] == "auto-generated"
    receipt = compose(MailKind.JOBSEEKER_RECEIPT, "send_jobseeker_receipt", REGISTRATION,
                      SETTINGS, 1_800_000_000)
    assert receipt.recipients == ("ann@example.se",)
    assert receipt.message["Reply-To"].addresses[0].addr_spec == "karin@utbildning.example"
    data = receipt.as_bytes()
    assert data.isascii() and b"\r\n" in data


def test_the_message_id_is_the_same_for_every_attempt() -> None:
    first = compose(MailKind.DECISION_CONFIRMED, "send_decision", REGISTRATION, SETTINGS, 1)
    again = compose(MailKind.DECISION_CONFIRMED, "send_decision", REGISTRATION, SETTINGS, 99)
    assert first.message["Message-ID"] == again.message["Message-ID"] == message_id(
        "send_decision", REGISTRATION.id, SETTINGS)
    other = compose(MailKind.JOBSEEKER_RECEIPT, "send_jobseeker_receipt", REGISTRATION,
                    SETTINGS, 1)
    assert other.message["Message-ID"] != first.message["Message-ID"]


@pytest.mark.parametrize("field", ["name", "contact_name", "course_title", "provider_name"])
def test_crlf_in_any_value_adds_no_header_and_no_recipient(field: str) -> None:
    evil = "X\r\nBcc: x@y.example\r\nTo: z@y.example\n\nbody"
    visit = VISIT if field == "name" else dataclasses.replace(VISIT, **{field: evil})
    registration = dataclasses.replace(REGISTRATION, visit=visit,
                                       name=evil if field == "name" else REGISTRATION.name)
    for kind in (MailKind.PROVIDER_NOTIFICATION, MailKind.DECISION_CONFIRMED):
        mail = compose(kind, "job", registration, SETTINGS, 1)
        assert len(mail.recipients) == 1
        head = mail.as_bytes().split(b"\r\n\r\n", 1)[0]
        names = [line.split(b":", 1)[0].lower() for line in head.split(b"\r\n")
                 if line and not line.startswith((b" ", b"\t"))]
        assert b"bcc" not in names and b"cc" not in names
        assert names.count(b"to") == 1 and names.count(b"subject") == 1
        assert len(mail.message["To"].addresses) == 1


def test_only_confirmations_and_cancelled_visits_carry_a_calendar() -> None:
    def calendars(kind: MailKind) -> list[str]:
        mail = compose(kind, "job", REGISTRATION, SETTINGS, 1)
        return [p.get_content_type() for p in mail.message.iter_attachments()]

    assert calendars(MailKind.DECISION_CONFIRMED) == ["text/calendar"]
    assert calendars(MailKind.VISIT_CANCELLED) == []  # never confirmed: no event
    assert calendars(MailKind.CANCELLATION_RECEIPT) == []
    confirmed = dataclasses.replace(REGISTRATION, decided_at=REGISTRATION.created_at + 60)
    for kind in (MailKind.VISIT_CANCELLED, MailKind.CANCELLATION_RECEIPT):
        mail = compose(kind, "job", confirmed, SETTINGS, 1)
        assert [p.get_content_type() for p in mail.message.iter_attachments()] == [
            "text/calendar"]
    for kind in (MailKind.JOBSEEKER_RECEIPT, MailKind.DECISION_DECLINED, MailKind.REMINDER,
                 MailKind.PROVIDER_NOTIFICATION):
        assert calendars(kind) == []


def test_a_cancelled_confirmation_carries_a_calendar_cancel_and_every_email_the_reference(
) -> None:
    was_confirmed = dataclasses.replace(REGISTRATION, status=RegistrationStatus.CANCELLED,
                                        decided_at=1_800_000_100)
    mail = compose(MailKind.CANCELLATION_RECEIPT, "job", was_confirmed, SETTINGS, 1)
    [calendar] = list(mail.message.iter_attachments())
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "CANCEL"
    reference = short_reference(REGISTRATION.id)
    assert len(reference) == 9 and reference[4] == "-"
    for kind in MailKind:
        _, text, page = render(kind, was_confirmed, SETTINGS)
        assert reference in text and reference in page


def test_a_long_swedish_subject_keeps_every_space_when_a_mail_client_decodes_it() -> None:
    """RFC 2047 readers drop whitespace between adjacent encoded words: a space folded
    between two of them is lost ("Förstärktarbetsträning")."""
    visit = dataclasses.replace(VISIT, course_title="Förstärkt arbetsträning – elektriker")
    registration = dataclasses.replace(REGISTRATION, visit=visit)
    mail = compose(MailKind.PROVIDER_NOTIFICATION, "send_provider_notification",
                   registration, SETTINGS, 1)
    data = mail.as_bytes()
    expected = (f"Ny anmälan {short_reference(REGISTRATION.id)}: Förstärkt arbetsträning – "
                f"elektriker, {visit_date(visit, Language.SV)}")
    raw = email.message_from_bytes(data, policy=email.policy.compat32)["Subject"]
    assert str(make_header(decode_header(raw))) == expected
    assert email.message_from_bytes(data, policy=email.policy.default)["Subject"] == expected
    head = data.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 78 for line in head.split(b"\r\n"))


@pytest.mark.parametrize("country", list(Country))
def test_every_email_to_the_course_contact_links_the_providers_page(country: Country) -> None:
    registration = dataclasses.replace(REGISTRATION,
                                       visit=dataclasses.replace(VISIT, country=country))
    to_provider = [kind for kind in MailKind if kind.to_provider]
    assert MailKind.PROVIDER_WITHDRAWAL in to_provider
    for kind in to_provider:
        _, text, page = render(kind, registration, SETTINGS)
        found = re.search(r"https://studiebesok\.example/provider\?\S+", text)
        assert found is not None, kind
        url = found.group(0)
        assert f'href="{html.escape(url)}"' in page, kind
        token = re.search(r"token=([^&]+)", url)
        assert token is not None
        claims = verify_provider_token(SETTINGS.secret_key, token.group(1))
        assert claims.organisation == "5590123450", kind


def test_jobseeker_emails_link_the_course_page_and_a_map_and_show_the_contact_phone() -> None:
    visit = dataclasses.replace(VISIT, contact_phone="040-12 34 56")
    registration = dataclasses.replace(REGISTRATION, visit=visit)
    for kind in MailKind:
        _, text, page = render(kind, registration, SETTINGS)
        shown = ("https://studiebesok.example/#/course/5590123450-K1" in text,
                 "openstreetmap.org/search?query=Industrigatan+4" in text,
                 "040-12 34 56" in text, "#/course/5590123450-K1" in page)
        assert all(shown) if not kind.to_provider else not any(shown[:2]), kind
    _, declined, _ = render(MailKind.DECISION_DECLINED, registration, SETTINGS)
    assert "https://studiebesok.example/#/?query=Welder+%3CMIG%2FMAG%3E&visits=1" in declined


@pytest.mark.parametrize(("name", "lang", "subject"), [
    ("my_registrations_link", Language.SV, "Dina studiebesök"),
    ("my_registrations_link", Language.EN, "Your study visits"),
    ("provider_link", Language.SV, "Era studiebesök"),
])
def test_the_self_service_link_emails_are_templates_with_the_link_in_both_parts(
        name: str, lang: Language, subject: str) -> None:
    url = "https://studiebesok.example/mine?token=a.b&lang=sv"
    values = {"url": url, "hours": "24", "days": "30"}
    rendered_subject, text, page = render_template(name, lang, values)
    assert rendered_subject == subject
    assert url in text and f'href="{url.replace("&", "&amp;")}"' in page
    assert f"<title>{subject}</title>" in page and f'<html lang="{lang.value}">' in page
    assert ("24" in text) if name == "my_registrations_link" else ("30 dagar" in text)
    assert "Referens" not in text and "Reference" not in text  # no registration to name
    assert text.rstrip().endswith("Studiebesök" if lang is Language.SV else "Study visits")


def test_an_undone_confirmation_says_so_and_a_removed_visit_says_it_was_cancelled() -> None:
    confirmed = dataclasses.replace(REGISTRATION, decided_at=REGISTRATION.created_at + 60,
                                    language=Language.SV)
    undone = dataclasses.replace(confirmed, cancel_reason=CancelReason.PROVIDER)
    removed = dataclasses.replace(confirmed, cancel_reason=CancelReason.VISIT_REMOVED)
    subject, text, page = render(MailKind.VISIT_CANCELLED, undone, SETTINGS)
    assert subject.startswith("Bekräftelsen återtagen") and "återtagit sin bekräftelse" in text
    assert "återtagit sin bekräftelse" in page and "inställt" not in text
    subject, text, _ = render(MailKind.VISIT_CANCELLED, removed, SETTINGS)
    assert subject.startswith("Inställt studiebesök") and "återtagit" not in text
