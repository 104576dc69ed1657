"""Settings of several Redis and Meilisearch nodes: Sentinel, WAIT and MEILI_URLS."""

from __future__ import annotations

import pytest

from core.durability import CLIENT_MARGIN_SECONDS, AofWait, aof_wait, socket_timeout_seconds
from core.redis_clients import arq_redis_settings
from core.settings import Settings, SettingsError

BASE = {"MEILI_MASTER_KEY": "a-master-key-of-length", "SECRET_KEY": "s" * 40}
VALID = {**BASE, "MEILI_URL": "http://127.0.0.1:7700", "REDIS_URL": "redis://127.0.0.1:6379/0"}


def test_one_node_of_each_by_default() -> None:
    settings = Settings.from_env(VALID)
    assert settings.redis_sentinels == ()
    assert settings.meili_instances == ("http://127.0.0.1:7700",)
    assert settings.redis_wait_replicas == 0
    assert arq_redis_settings(settings).sentinel is False


def test_sentinels_replace_the_url_host_and_keep_its_database_and_password() -> None:
    settings = Settings.from_env({**BASE, "MEILI_URL": "http://m:7700",
                                  "REDIS_SENTINELS": "s1:26379, s2:26380,s3:26381",
                                  "REDIS_SENTINEL_MASTER": "visits",
                                  "REDIS_URL": "redis://:pw@ignored:1/3"})
    assert settings.redis_sentinels == (("s1", 26379), ("s2", 26380), ("s3", 26381))
    arq = arq_redis_settings(settings)
    assert arq.sentinel is True
    assert arq.host == [("s1", 26379), ("s2", 26380), ("s3", 26381)]
    assert (arq.sentinel_master, arq.database, arq.password) == ("visits", 3, "pw")


def test_redis_url_is_optional_with_sentinels_only() -> None:
    settings = Settings.from_env({**BASE, "MEILI_URL": "http://m:7700",
                                  "REDIS_SENTINELS": "127.0.0.1:26379"})
    assert settings.redis_sentinel_master == "studyvisits"
    with pytest.raises(SettingsError, match="REDIS_URL is required"):
        Settings.from_env({**BASE, "MEILI_URL": "http://m:7700"})


def test_meili_urls_list_the_instances_and_the_first_stands_for_meili_url() -> None:
    settings = Settings.from_env({**BASE, "REDIS_URL": "redis://r:6379/0",
                                  "MEILI_URLS": "http://a:7700/, http://b:7701",
                                  "MEILI_TAKEOUT_SECONDS": "2.5"})
    assert settings.meili_instances == ("http://a:7700", "http://b:7701")
    assert settings.meili_url == "http://a:7700"
    assert settings.meili_takeout_seconds == 2.5


@pytest.mark.parametrize(("name", "value", "message"), [
    ("REDIS_SENTINELS", "s1", "REDIS_SENTINELS is malformed: expected host:port"),
    ("REDIS_SENTINELS", "s1:99999", "REDIS_SENTINELS is malformed: expected a port"),
    ("MEILI_URLS", "http://a:7700,ftp://b", "MEILI_URLS is malformed: expected a URL"),
    ("REDIS_WAIT_REPLICAS", "-1", "REDIS_WAIT_REPLICAS is malformed"),
    ("REDIS_WAIT_TIMEOUT_SECONDS", "0", "REDIS_WAIT_TIMEOUT_SECONDS is malformed"),
])
def test_malformed_scale_out_values_are_named(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({**VALID, name: value})


def test_replicas_add_a_wait_to_each_acknowledgement() -> None:
    replicated = Settings.from_env({**VALID, "REDIS_WAIT_REPLICAS": "1",
                                    "REDIS_WAIT_TIMEOUT_SECONDS": "0.5"})
    wait = aof_wait(replicated)
    assert wait == AofWait(3000, replicas=1, replica_timeout_ms=500, local=False)
    assert wait is not None and wait.longest_seconds == 0.5
    both = aof_wait(Settings.from_env({**VALID, "REDIS_DURABILITY": "waitaof",
                                       "REDIS_WAIT_REPLICAS": "2"}))
    assert both == AofWait(3000, replicas=2, replica_timeout_ms=1000, local=True)
    assert both is not None and both.longest_seconds == 4.0


def test_every_redis_command_waits_longer_than_the_waits_a_write_carries() -> None:
    assert socket_timeout_seconds(Settings.from_env(VALID)) == 2.0  # REDIS_TIMEOUT_SECONDS
    replicated = Settings.from_env({**VALID, "REDIS_WAIT_REPLICAS": "1",
                                    "REDIS_WAIT_TIMEOUT_SECONDS": "1.5"})
    assert socket_timeout_seconds(replicated) == 1.5 + CLIENT_MARGIN_SECONDS
    both = Settings.from_env({**VALID, "REDIS_DURABILITY": "waitaof", "REDIS_WAIT_REPLICAS": "1",
                              "REDIS_TIMEOUT_SECONDS": "9"})
    assert socket_timeout_seconds(both) == 9.0  # already longer than 3 + 1 + the margin
