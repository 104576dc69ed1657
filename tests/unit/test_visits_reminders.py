"""When a reminder is due, and what a confirmation may promise."""

import dataclasses

from core.visits.reminders import reminder_due, reminder_scheduled
from tests.unit.test_emails import REGISTRATION, SETTINGS

DAY = 86_400


def test_the_reminder_is_due_the_lead_time_before_the_visit() -> None:
    assert reminder_due(10 * DAY, DAY, now=0) == 9 * DAY


def test_no_reminder_once_its_time_has_passed_or_without_a_lead_time() -> None:
    assert reminder_due(10 * DAY, DAY, now=9 * DAY) is None
    assert reminder_due(10 * DAY, DAY, now=9 * DAY + 1) is None
    assert reminder_due(10 * DAY, 0, now=0) is None


def test_a_confirmation_promises_a_reminder_only_when_one_was_scheduled() -> None:
    start = REGISTRATION.visit.start_ts
    early = dataclasses.replace(REGISTRATION, decided_at=start - 2 * DAY)
    late = dataclasses.replace(REGISTRATION, decided_at=start - DAY // 2)
    assert SETTINGS.reminder_hours_before == 24
    assert reminder_scheduled(early, SETTINGS)
    assert not reminder_scheduled(late, SETTINGS)
