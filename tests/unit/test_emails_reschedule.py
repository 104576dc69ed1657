"""The emails of a reschedule and of a decline's reason: old and new time, the updated
invitation's SEQUENCE and Message-ID, the reason stated."""

import dataclasses

from icalendar import Calendar

from core.visits.dispatch import Job, job_id
from core.visits.models import DeclineReason, Language, Registration, RegistrationStatus
from tests.unit.test_emails import REGISTRATION, SETTINGS
from workers.emails import MailKind, compose, render

MOVED = dataclasses.replace(REGISTRATION, ics_sequence=2)


def _calendar(kind: MailKind, registration: Registration) -> Calendar | None:
    mail = compose(kind, "job", registration, SETTINGS, 1)
    for part in mail.message.iter_attachments():
        return Calendar.from_ical(part.get_payload(decode=True))
    return None


def test_the_update_names_the_old_and_the_new_time_and_place() -> None:
    _, text, page = render(MailKind.VISIT_RESCHEDULED, MOVED, SETTINGS)
    assert "Tuesday 2 March 2027, 10:00–11:30" in text  # now
    assert "Tuesday 2 March 2027, 05:00–06:30" in text  # before
    assert "Verkstadsgatan 1, 212 15 Malmö" in text and "Industrigatan 4" in text
    assert "<s>Tuesday 2 March 2027, 05:00–06:30" in page


def test_the_updated_invitation_keeps_the_uid_and_raises_the_sequence() -> None:
    first = _calendar(MailKind.DECISION_CONFIRMED, REGISTRATION)
    updated = _calendar(MailKind.VISIT_RESCHEDULED, MOVED)
    assert first is not None and updated is not None
    assert str(updated["METHOD"]) == "REQUEST"
    [before], [after] = first.walk("VEVENT"), updated.walk("VEVENT")
    assert after["UID"] == before["UID"]
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 2)
    confirmed = dataclasses.replace(MOVED, decided_at=MOVED.created_at + 60)
    cancelled = _calendar(MailKind.VISIT_CANCELLED, confirmed)
    assert cancelled is not None
    assert cancelled.walk("VEVENT")[0]["SEQUENCE"] == 3


def test_each_reschedule_is_an_email_and_a_job_of_its_own() -> None:
    def message_id(registration: Registration) -> str:
        mail = compose(MailKind.VISIT_RESCHEDULED, Job.VISIT_RESCHEDULED.value,
                       registration, SETTINGS, 1)
        return str(mail.message["Message-ID"])

    assert message_id(MOVED) != message_id(dataclasses.replace(MOVED, ics_sequence=3))
    assert job_id(Job.VISIT_RESCHEDULED, "r1", "2") == "send_visit_rescheduled:r1:2"
    assert job_id(Job.REMINDER, "r1", "0") == job_id(Job.REMINDER, "r1") == (
        "send_reminder_email:r1")


def test_a_pending_registration_gets_a_notice_without_a_calendar() -> None:
    pending = dataclasses.replace(MOVED, status=RegistrationStatus.PENDING)
    assert _calendar(MailKind.VISIT_RESCHEDULED_PENDING, pending) is None
    subject, text, _ = render(MailKind.VISIT_RESCHEDULED_PENDING, pending, SETTINGS)
    assert subject.startswith("Study visit changed")
    assert "Your registration still" in text and "/visits/cancel?token=" in text


def test_the_decline_states_its_reason_in_the_jobseekers_language() -> None:
    declined = dataclasses.replace(REGISTRATION, status=RegistrationStatus.DECLINED,
                                   decline_reason=DeclineReason.VISIT_CANCELLED)
    assert "Reason: The study visit has been cancelled." in render(
        MailKind.DECISION_DECLINED, declined, SETTINGS)[1]
    swedish = dataclasses.replace(declined, language=Language.SV)
    _, text, page = render(MailKind.DECISION_DECLINED, swedish, SETTINGS)
    assert "Skäl: Studiebesöket är inställt." in text and "Skäl: Studiebesöket" in page
    unexplained = dataclasses.replace(declined, decline_reason=None)
    assert "Reason" not in render(MailKind.DECISION_DECLINED, unexplained, SETTINGS)[1]
