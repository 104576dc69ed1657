import pytest

from core.settings import Settings, SettingsError
from workers.retry_policy import (
    after_dot_lease_ms,
    before_dot_lease_ms,
    email_job_timeout_seconds,
    retry_delay,
)

REQUIRED = {
    "MEILI_URL": "http://127.0.0.1:7700",
    "MEILI_MASTER_KEY": "a-master-key-of-length",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SECRET_KEY": "s" * 40,
}
HOUR_MS = 3_600_000


def settings(**env: str) -> Settings:
    return Settings.from_env({**REQUIRED, **env})


def no_jitter(low: float, high: float) -> float:
    return 1.0


def test_defaults_follow_rfc_5321_and_mail_servers() -> None:
    s = settings()
    assert s.smtp_data_timeout_seconds == 600.0  # RFC 5321 4.5.3.2.6: 10 minutes
    assert s.email_retry_horizon_hours == 48.0


def test_the_old_try_count_is_no_longer_read() -> None:
    assert settings(EMAIL_MAX_TRIES="5") == settings()


@pytest.mark.parametrize("value", ["0", "-1", "169", "soon"])
def test_a_horizon_that_is_not_a_positive_number_up_to_a_week_is_refused(value: str) -> None:
    with pytest.raises(SettingsError, match="EMAIL_RETRY_HORIZON_HOURS is malformed"):
        settings(EMAIL_RETRY_HORIZON_HOURS=value)


def test_the_wait_grows_with_the_time_since_the_first_attempt_up_to_the_cap() -> None:
    s = settings(EMAIL_RETRY_BASE_SECONDS="30", EMAIL_RETRY_MAX_SECONDS="3600")
    first = 1_000_000
    waits = []
    now = first
    for _ in range(12):
        wait = retry_delay(s, first, now, no_jitter)
        assert wait is not None
        waits.append(wait)
        now += int(wait * 1000)
    assert waits[:6] == [30, 30, 60, 120, 240, 480]
    assert waits[-1] == 3600 and max(waits) == 3600


def test_a_60_second_outage_is_far_inside_the_horizon() -> None:
    s = settings()
    assert retry_delay(s, 0, 60_000, no_jitter) == 60


def test_the_last_attempt_is_at_the_horizon_and_a_failure_after_it_is_final() -> None:
    s = settings(EMAIL_RETRY_HORIZON_HOURS="48")
    horizon_ms = 48 * HOUR_MS
    assert retry_delay(s, 0, horizon_ms - 10_000, no_jitter) == pytest.approx(10.0)
    assert retry_delay(s, 0, horizon_ms, no_jitter) is None
    assert retry_delay(s, 0, horizon_ms + 1, no_jitter) is None


def test_jitter_stays_within_ten_percent() -> None:
    s = settings(EMAIL_RETRY_BASE_SECONDS="100")
    for _ in range(200):
        wait = retry_delay(s, 0, 0)
        assert wait is not None and 90 <= wait <= 110


def test_a_clock_behind_the_first_attempt_waits_the_base() -> None:
    assert retry_delay(settings(), 5_000, 1_000, no_jitter) == 30


def test_leases_and_the_job_timeout_outlast_the_wait_for_the_final_reply() -> None:
    s = settings(SMTP_TIMEOUT_SECONDS="10", SMTP_DATA_TIMEOUT_SECONDS="600")
    assert before_dot_lease_ms(s) >= 8 * 10_000  # every step before the dot
    assert after_dot_lease_ms(s) > 600_000
    timeout = email_job_timeout_seconds(s)
    assert timeout * 1000 > before_dot_lease_ms(s) + after_dot_lease_ms(s)
    assert timeout > s.worker_job_timeout_seconds
