"""The iCalendar invitation: RFC 5545 line rules, escaping, UTC times."""

import dataclasses

from tests.integration.visits.mail_helpers import validate_ics
from tests.unit.test_emails import REGISTRATION
from workers.ics import fold, invitation


def test_the_invitation_is_valid_with_utc_times_and_a_stable_uid() -> None:
    event = validate_ics(invitation(REGISTRATION, "studiebesok.example",
                                    "karin@utbildning.example", now=1_800_000_000))
    assert event["METHOD"] == "REQUEST"
    assert event["DTSTART"] == "20270302T090000Z" and event["DTEND"] == "20270302T103000Z"
    assert event["UID"] == f"studyvisit-{REGISTRATION.id}@studiebesok.example"
    assert event["LOCATION"] == "Industrigatan 4, 212 14 Malmö"
    assert event["SUMMARY"] == "Study visit: Welder <MIG/MAG>"
    cancelled = validate_ics(invitation(REGISTRATION, "studiebesok.example",
                                        "karin@utbildning.example", cancelled=True))
    assert cancelled["METHOD"] == "CANCEL" and cancelled["STATUS"] == "CANCELLED"
    assert cancelled["UID"] == event["UID"]


def test_text_values_are_escaped_and_cannot_add_properties() -> None:
    visit = dataclasses.replace(REGISTRATION.visit,
                                course_title_en="A; B, C\\D\r\nATTENDEE:mailto:x@y.example")
    registration = dataclasses.replace(REGISTRATION, visit=visit, name='N "q"\r\nX:y')
    data = invitation(registration, "studiebesok.example", "karin@utbildning.example")
    event = validate_ics(data)
    assert event["SUMMARY"] == "Study visit: A; B, C\\D\nATTENDEE:mailto:x@y.example"
    lines = data.decode().split("\r\n")
    assert sum(line.startswith("ATTENDEE") for line in lines) == 1


def test_long_lines_fold_at_75_octets_without_splitting_characters() -> None:
    line = "DESCRIPTION:" + "åäö" * 60
    folded = fold(line).encode()
    parts = folded.split(b"\r\n")
    assert all(len(p) <= 75 for p in parts)
    assert all(p.startswith(b" ") for p in parts[1:])
    assert b"".join([parts[0], *(p[1:] for p in parts[1:])]).decode() == line
