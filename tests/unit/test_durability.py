"""The durability settings and which Redis servers fit which mode (pure logic)."""

from __future__ import annotations

import pytest

from core.durability import (
    AofWait,
    DurabilityMode,
    ServerPersistence,
    aof_wait,
    mismatch,
    parse_version,
)
from core.settings import Settings, SettingsError

VALID = {
    "MEILI_URL": "http://127.0.0.1:7700",
    "MEILI_MASTER_KEY": "a-master-key-of-length",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SECRET_KEY": "s" * 40,
}


def test_defaults_are_fsync_and_a_day() -> None:
    settings = Settings.from_env(VALID)
    assert settings.redis_durability == "fsync"
    assert settings.redis_waitaof_timeout_seconds == 3.0
    assert settings.personal_data_disk_erasure_hours == 24.0
    assert aof_wait(settings) is None


def test_waitaof_mode_waits_with_its_timeout_in_milliseconds() -> None:
    settings = Settings.from_env({**VALID, "REDIS_DURABILITY": "WaitAOF",
                                  "REDIS_WAITAOF_TIMEOUT_SECONDS": "0.25",
                                  "PERSONAL_DATA_DISK_ERASURE_HOURS": "0.5"})
    assert settings.redis_durability == "waitaof"
    assert aof_wait(settings) == AofWait(250)
    assert settings.personal_data_disk_erasure_hours == 0.5
    assert aof_wait(Settings.from_env({**VALID, "REDIS_DURABILITY": "none"})) is None


@pytest.mark.parametrize(("name", "value", "message"), [
    ("REDIS_DURABILITY", "always", "REDIS_DURABILITY is malformed: expected one of fsync, "
                                   "waitaof, none"),
    ("REDIS_WAITAOF_TIMEOUT_SECONDS", "0", "REDIS_WAITAOF_TIMEOUT_SECONDS is malformed"),
    ("PERSONAL_DATA_DISK_ERASURE_HOURS", "-1", "PERSONAL_DATA_DISK_ERASURE_HOURS is malformed"),
])
def test_bad_values_are_named(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({**VALID, name: value})
    assert message in str(raised.value)


def test_versions_parse_with_missing_parts_as_zero() -> None:
    assert parse_version("7.2.4") == (7, 2, 4)
    assert parse_version("7.0") == (7, 0, 0)


REDIS_70_ALWAYS = ServerPersistence((7, 0, 15), True, "always")
REDIS_72_EVERYSEC = ServerPersistence((7, 2, 4), True, "everysec")
REDIS_72_NO_AOF = ServerPersistence((7, 2, 4), False, "everysec")


def test_fsync_needs_an_append_only_file_fsynced_always() -> None:
    assert mismatch(DurabilityMode.FSYNC, REDIS_70_ALWAYS) is None
    everysec = mismatch(DurabilityMode.FSYNC, REDIS_72_EVERYSEC)
    assert everysec is not None and "appendfsync always" in everysec
    assert "it has appendfsync everysec" in everysec
    no_aof = mismatch(DurabilityMode.FSYNC, REDIS_72_NO_AOF)
    assert no_aof is not None and "it has appendonly no" in no_aof


def test_waitaof_needs_redis_7_2_with_an_append_only_file() -> None:
    assert mismatch(DurabilityMode.WAITAOF, REDIS_72_EVERYSEC) is None
    old = mismatch(DurabilityMode.WAITAOF, REDIS_70_ALWAYS)
    assert old is not None and "needs Redis 7.2 or later" in old and "is 7.0.15" in old
    no_aof = mismatch(DurabilityMode.WAITAOF, REDIS_72_NO_AOF)
    assert no_aof is not None and "appendonly yes" in no_aof
    never = mismatch(DurabilityMode.WAITAOF, ServerPersistence((7, 2, 0), True, "no"))
    assert never is not None and "it has appendfsync no" in never


def test_none_accepts_any_server() -> None:
    assert mismatch(DurabilityMode.NONE, REDIS_72_NO_AOF) is None
