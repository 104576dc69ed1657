import dataclasses

import pytest

from core.settings import Settings, SettingsError

VALID = {
    "MEILI_URL": "http://127.0.0.1:7700",
    "MEILI_MASTER_KEY": "a-master-key-of-length",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SECRET_KEY": "s" * 40,
}


def test_defaults_apply_when_only_required_values_are_set() -> None:
    settings = Settings.from_env(VALID)
    assert settings.meili_index == "courses"
    assert settings.smtp_port == 1025
    assert settings.personal_data_retention_days == 30
    assert settings.development is False


def test_values_are_parsed() -> None:
    settings = Settings.from_env(
        {
            **VALID,
            "MEILI_INDEX": "courses_v2",
            "SMTP_HOST": "mail.internal",
            "SMTP_PORT": "587",
            "SMTP_STARTTLS": "yes",
            "PUBLIC_BASE_URL": "https://studiebesok.example/",
            "DEVELOPMENT": "true",
            "CORS_ORIGINS": "https://a.example, https://b.example",
        }
    )
    assert settings.meili_index == "courses_v2"
    assert settings.smtp_host == "mail.internal"
    assert settings.smtp_port == 587
    assert settings.smtp_starttls is True
    assert settings.public_base_url == "https://studiebesok.example"
    assert settings.development is True
    assert settings.cors_origins == ("https://a.example", "https://b.example")


def test_settings_are_frozen() -> None:
    settings = Settings.from_env(VALID)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.meili_index = "other"  # type: ignore[misc]


@pytest.mark.parametrize("name", ["MEILI_URL", "MEILI_MASTER_KEY", "REDIS_URL", "SECRET_KEY"])
def test_missing_required_variable_is_named(name: str) -> None:
    env = {k: v for k, v in VALID.items() if k != name}
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    assert str(raised.value) == f"invalid configuration: {name} is required but not set"


def test_blank_value_counts_as_missing() -> None:
    with pytest.raises(SettingsError, match="SECRET_KEY is required but not set"):
        Settings.from_env({**VALID, "SECRET_KEY": "   "})


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MEILI_URL", "localhost:7700", "MEILI_URL is malformed: expected a URL starting with"),
        ("REDIS_URL", "http://x", "REDIS_URL is malformed: expected a URL starting with redis://"),
        ("SMTP_PORT", "smtp", "SMTP_PORT is malformed: expected a whole number"),
        ("SMTP_PORT", "70000", "SMTP_PORT is malformed: expected a port number"),
        ("SMTP_PORT", "0", "SMTP_PORT is malformed: expected a number greater than 0"),
        ("SECRET_KEY", "short", "SECRET_KEY is malformed: must be at least 32 characters"),
        ("MEILI_MASTER_KEY", "short", "MEILI_MASTER_KEY is malformed: must be at least 16"),
        ("MEILI_INDEX", "courses index", "MEILI_INDEX is malformed: only ASCII letters"),
        ("PUBLIC_BASE_URL", "studiebesok.example", "PUBLIC_BASE_URL is malformed"),
        ("DEVELOPMENT", "maybe", "DEVELOPMENT is malformed: expected true or false"),
        ("PERSONAL_DATA_RETENTION_DAYS", "-3", "PERSONAL_DATA_RETENTION_DAYS is malformed"),
    ],
)
def test_malformed_value_is_named(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({**VALID, name: value})
    assert message in str(raised.value)
    assert raised.value.problems and len(raised.value.problems) == 1


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"SMTP_PORT": "x"})
    named = {problem.split(" ")[0] for problem in raised.value.problems}
    assert named == {"MEILI_URL", "MEILI_MASTER_KEY", "REDIS_URL", "SECRET_KEY", "SMTP_PORT"}


def test_secret_values_never_appear_in_errors() -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({**VALID, "SECRET_KEY": "tooshort-secret"})
    assert "tooshort-secret" not in str(raised.value)


def test_the_read_key_defaults_to_the_master_key() -> None:
    assert Settings.from_env(VALID).meili_read_key == VALID["MEILI_MASTER_KEY"]
    with_key = Settings.from_env({**VALID, "MEILI_API_KEY": "a-search-only-key-123"})
    assert with_key.meili_read_key == "a-search-only-key-123"
    with pytest.raises(SettingsError, match="MEILI_API_KEY is malformed"):
        Settings.from_env({**VALID, "MEILI_API_KEY": "short"})


def test_the_daily_email_cap_per_address_is_read_with_a_default_of_10() -> None:
    assert Settings.from_env(VALID).emails_per_address_per_day == 10
    assert Settings.from_env(
        {**VALID, "EMAILS_PER_ADDRESS_PER_DAY": "3"}).emails_per_address_per_day == 3
    for bad in ("0", "ten"):
        with pytest.raises(SettingsError, match="EMAILS_PER_ADDRESS_PER_DAY is malformed"):
            Settings.from_env({**VALID, "EMAILS_PER_ADDRESS_PER_DAY": bad})


def test_the_closing_time_and_the_pending_reminder_default_to_24_hours() -> None:
    settings = Settings.from_env(VALID)
    assert settings.registration_closes_hours_before == 24
    assert settings.pending_reminder_hours == 24
    other = Settings.from_env({**VALID, "REGISTRATION_CLOSES_HOURS_BEFORE": "0",
                               "PENDING_REMINDER_HOURS": "6"})
    assert (other.registration_closes_hours_before, other.pending_reminder_hours) == (0, 6)
    for name, bad in (("REGISTRATION_CLOSES_HOURS_BEFORE", "-1"),
                      ("PENDING_REMINDER_HOURS", "0")):
        with pytest.raises(SettingsError, match=f"{name} is malformed"):
            Settings.from_env({**VALID, name: bad})
