"""Outage logic that needs no server: the settings of the deadlines, the translation of
driver errors into ``ServiceUnavailable``, the stale window of the search cache and when
its entries stop being served."""

from __future__ import annotations

from typing import Any, cast

import httpx
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from api.search.cache import Entry, SearchCache, mark_stale
from core.errors import ServiceUnavailable
from core.meili_http import MeiliTimeout
from core.outages import registrations_call, registrations_outage, search_outage
from core.settings import Settings, SettingsError
from tests.unit.test_settings import VALID


def test_deadlines_default_to_a_few_seconds_and_are_read() -> None:
    defaults = Settings.from_env(VALID)
    assert (defaults.meili_timeout_seconds, defaults.redis_timeout_seconds,
            defaults.search_stale_seconds) == (2.0, 2.0, 900.0)
    chosen = Settings.from_env({**VALID, "MEILI_TIMEOUT_SECONDS": "0.5",
                                "REDIS_TIMEOUT_SECONDS": "1.5", "SEARCH_STALE_SECONDS": "0"})
    assert (chosen.meili_timeout_seconds, chosen.redis_timeout_seconds,
            chosen.search_stale_seconds) == (0.5, 1.5, 0.0)


@pytest.mark.parametrize("name", ["MEILI_TIMEOUT_SECONDS", "REDIS_TIMEOUT_SECONDS",
                                  "SEARCH_STALE_SECONDS"])
def test_a_malformed_deadline_is_named(name: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({**VALID, name: "-1"})


@pytest.mark.parametrize("failure", [
    httpx.ConnectError("[Errno 111] Connection refused to 10.1.2.3:7700"),
    httpx.ReadTimeout("timed out"),
    MeiliTimeout("Meilisearch at http://10.1.2.3:7700 did not answer"),
])
def test_meilisearch_failures_become_the_typed_error_without_their_message(
        failure: Exception) -> None:
    with pytest.raises(ServiceUnavailable) as raised, search_outage():
        raise failure
    assert raised.value.dependency == "search"
    assert "10.1.2.3" not in str(raised.value) and "7700" not in str(raised.value)
    assert raised.value.__cause__ is failure  # kept for the logs


async def test_redis_failures_become_the_typed_error() -> None:
    @registrations_call
    async def stalled() -> None:
        raise RedisTimeoutError("Timeout reading from 10.1.2.3:6379")

    with pytest.raises(ServiceUnavailable) as raised:
        await stalled()
    assert raised.value.dependency == "registrations"
    assert "6379" not in str(raised.value)
    with pytest.raises(ServiceUnavailable), registrations_outage():
        raise RedisConnectionError("Error 111 connecting to 10.1.2.3:6379. Connection refused.")


def test_a_socket_closed_while_connecting_is_an_outage() -> None:
    # what uvloop raises when redis-py writes on a connection dropped as it is set up
    with pytest.raises(ServiceUnavailable), registrations_outage():
        raise RuntimeError("unable to perform operation on <TCPTransport closed=True "
                           "reading=False 0x55e0559f20d0>; the handler is closed")


def test_other_errors_are_left_alone() -> None:
    with pytest.raises(ValueError), registrations_outage():
        raise ValueError("a bug")
    with pytest.raises(RuntimeError), registrations_outage():
        raise RuntimeError("a bug")
    with pytest.raises(ServiceUnavailable) as raised, registrations_outage():
        raise ServiceUnavailable("search")  # a search failure inside stays one
    assert raised.value.dependency == "search"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_stale_entry_is_served_within_the_window_only() -> None:
    clock = Clock()
    cache = SearchCache(cast(Any, None), cast(Any, None), "courses", 10, ttl=60,
                        clock=clock, stale_seconds=300)
    cache.local.put(b"key", Entry("old-version", b"R", b'{"data":{}}', clock.now + 60))
    clock.now += 60 + 299  # expired, and within the stale window
    entry = cache.stale(b"key")
    assert entry is not None and entry.payload == b'{"data":{}}'
    assert cache.stale(b"other") is None
    clock.now += 2  # past the window
    assert cache.stale(b"key") is None
    assert cache.stale_hits == 1


def test_without_a_window_nothing_expired_is_served() -> None:
    clock = Clock()
    cache = SearchCache(cast(Any, None), cast(Any, None), "courses", 10, ttl=60, clock=clock)
    cache.local.put(b"key", Entry("v", b"R", b'{"data":{}}', clock.now + 60))
    assert cache.stale(b"key") is not None  # not expired yet: the version is unknown
    clock.now += 60
    assert cache.stale(b"key") is None


def test_a_stale_response_says_so_in_its_extensions() -> None:
    assert mark_stale(b'{"data":{"a":1}}') == b'{"data":{"a":1},"extensions":{"stale":true}}'


async def test_a_whole_answer_is_not_served_after_its_upcoming_moment() -> None:
    clock, wall = Clock(), Clock()
    wall.now = 1_800_000_030.0
    cache = SearchCache(cast(Any, None), cast(Any, None), "courses", 10, ttl=60,
                        clock=clock, wall_clock=wall)
    await cache.store(b"key", "v", b"R", b'{"data":{}}', until=1_800_000_060)
    entry = cache.local.get(b"key")
    assert entry is not None and entry.until == 1_800_000_060
    await cache.store(b"late", "v", b"R", b'{"data":{}}', until=1_800_000_030)
    assert cache.local.get(b"late") is None  # planned for a moment already past
