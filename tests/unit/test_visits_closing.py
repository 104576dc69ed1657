"""Closing time and the due times of unanswered registrations (pure functions)."""

from __future__ import annotations

from core.visits import keys
from core.visits.closing import DAY, HOUR, Step, closes_at, due_times, is_closed, member
from core.visitsearch.filters import open_for_registration_clause

START = 1_900_000_000


def test_the_visits_own_hours_win_over_the_default_and_zero_is_at_the_start() -> None:
    assert closes_at(START, None, 24) == START - 24 * HOUR
    assert closes_at(START, 2, 24) == START - 2 * HOUR
    assert closes_at(START, 0, 24) == START


def test_registration_is_closed_from_the_closing_second_on() -> None:
    closing = closes_at(START, None, 24)
    assert not is_closed(closing, closing - 1)
    assert is_closed(closing, closing)
    assert is_closed(closing, closing + 1)


def test_a_registration_a_week_ahead_gets_both_reminders_and_the_expiry() -> None:
    created = START - 7 * DAY
    assert due_times(created, START, 24) == {
        Step.REMIND: created + 24 * HOUR, Step.EVE: START - DAY, Step.EXPIRE: START}


def test_the_first_reminder_is_left_out_when_the_eve_reminder_comes_first() -> None:
    created = START - 36 * HOUR
    assert due_times(created, START, 24) == {Step.EVE: START - DAY, Step.EXPIRE: START}


def test_a_registration_made_within_the_last_day_gets_no_eve_reminder() -> None:
    created = START - 10 * HOUR
    assert due_times(created, START, 24) == {Step.EXPIRE: START}
    assert due_times(created, START, 2) == {Step.REMIND: created + 2 * HOUR,
                                            Step.EXPIRE: START}


def test_members_name_the_step_and_the_registration() -> None:
    assert member(Step.EVE, "abc_-1") == "eve:abc_-1"


def test_the_open_for_registration_filter_uses_the_own_closing_time_else_the_default() -> None:
    clause = open_for_registration_clause(1000, 24)
    assert clause == ("(registrationClosesTs EXISTS AND registrationClosesTs > 1000) OR "
                      f"(registrationClosesTs NOT EXISTS AND startTs > {1000 + 24 * HOUR})")


def test_the_steps_are_the_ones_an_erasure_removes() -> None:
    assert tuple(step.value for step in Step) == keys.CLOSING_STEPS
