"""The iCalendar invitation: RFC 5545 line rules, escaping, zoned times, iTIP fields."""

import dataclasses
from datetime import UTC, datetime

from icalendar import Calendar

from core.visits.ics import domain_of, download, invitation
from core.visits.models import RegistrationStatus
from tests.integration.visits.mail_helpers import validate_ics
from tests.unit.test_emails import REGISTRATION, SETTINGS
from workers.emails import MailKind, compose


def test_the_invitation_is_valid_with_utc_times_and_a_stable_uid() -> None:
    event = validate_ics(invitation(REGISTRATION, "studiebesok.example",
                                    "karin@utbildning.example", now=1_800_000_000))
    assert event["METHOD"] == "REQUEST"
    assert event["TZID"] == "Europe/Stockholm"  # a Swedish course: 09:00 UTC is 10:00 there
    assert event["DTSTART"] == "20270302T100000" and event["DTEND"] == "20270302T113000"
    assert event["UID"] == f"studyvisit-{REGISTRATION.id}@studiebesok.example"
    assert event["LOCATION"] == "Industrigatan 4, 212 14 Malmö"
    assert event["SUMMARY"] == "Study visit: Welder <MIG/MAG>"
    assert event["SEQUENCE"] == "0" and event["STATUS"] == "CONFIRMED"
    cancelled = validate_ics(invitation(REGISTRATION, "studiebesok.example",
                                        "karin@utbildning.example", cancelled=True))
    assert cancelled["METHOD"] == "CANCEL" and cancelled["STATUS"] == "CANCELLED"
    assert cancelled["UID"] == event["UID"] and cancelled["SEQUENCE"] == "1"


def test_the_download_is_the_same_event_to_import_tentative_until_confirmed() -> None:
    domain = domain_of("Studiebesök <noreply@studiebesok.example>")
    assert domain == "studiebesok.example"
    pending = validate_ics(download(
        dataclasses.replace(REGISTRATION, status=RegistrationStatus.PENDING), domain))
    assert pending["METHOD"] == "PUBLISH" and pending["STATUS"] == "TENTATIVE"
    assert pending["UID"] == f"studyvisit-{REGISTRATION.id}@studiebesok.example"
    confirmed = validate_ics(download(REGISTRATION, domain))
    assert confirmed["STATUS"] == "CONFIRMED" and confirmed["SEQUENCE"] == "0"


def test_text_values_are_escaped_and_cannot_add_properties() -> None:
    visit = dataclasses.replace(REGISTRATION.visit,
                                course_title_en="A; B, C\\D\r\nATTENDEE:mailto:x@y.example")
    registration = dataclasses.replace(REGISTRATION, visit=visit, name='N "q"\r\nX:y')
    data = invitation(registration, "studiebesok.example", "karin@utbildning.example")
    event = validate_ics(data)
    assert event["SUMMARY"] == "Study visit: A; B, C\\D\nATTENDEE:mailto:x@y.example"
    lines = data.decode().split("\r\n")
    assert sum(line.startswith("ATTENDEE") for line in lines) == 1
    assert not any(line.startswith("X:") for line in lines)


def test_long_values_fold_at_75_octets_and_read_back_whole() -> None:
    title = "åäö" * 60
    visit = dataclasses.replace(REGISTRATION.visit, course_title_en=title)
    data = invitation(dataclasses.replace(REGISTRATION, visit=visit), "d.example", "k@d.example")
    validate_ics(data)  # every line at most 75 octets, folded with CRLF + space
    event = Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Study visit: " + title


def test_the_sent_invitation_parses_with_icalendar_and_names_the_service_as_sent_by() -> None:
    mail = compose(MailKind.DECISION_CONFIRMED, "send_decision", REGISTRATION, SETTINGS, 1)
    [part] = list(mail.message.iter_attachments())
    calendar = Calendar.from_ical(part.get_content().encode()
                                  if isinstance(part.get_content(), str) else part.get_content())
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
    assert event["SEQUENCE"] == 0
    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:karin@utbildning.example"
    assert organizer.params["SENT-BY"] == "mailto:no-reply@studiebesok.localhost"
    assert organizer.params["CN"] == "Öresunds Yrkesutbildning AB"
    assert str(event["ATTENDEE"]) == "mailto:ann@example.se"
