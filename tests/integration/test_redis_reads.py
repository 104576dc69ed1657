"""The search path's lean Redis reads against a real Redis."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator

import pytest
from redis import Redis

from core.redis_reads import RedisReadError, RedisReads
from devstack.processes import free_port
from tests.conftest import RedisServer


@pytest.fixture
async def reads(redis_server: RedisServer) -> AsyncIterator[RedisReads]:
    """Not connected yet; closed after the test, also when it fails."""
    reads = RedisReads(redis_server.url)
    yield reads
    await reads.aclose()


async def test_replies_come_back_in_order_even_when_interleaved(
        redis_server: RedisServer, reads: RedisReads) -> None:
    writer = Redis.from_url(redis_server.url)
    writer.set("reads:a", b"1")
    writer.sadd("reads:set", "x", "y", "z")
    results = await asyncio.gather(*[
        reads.execute(("GET", "reads:a"), ("GET", "reads:none"), ("SCARD", "reads:set"))
        for _ in range(50)])
    assert results == [[b"1", None, 3]] * 50
    assert await reads.execute(("GET", "reads:a")) == [b"1"]


async def test_an_error_reply_is_an_error_and_the_connection_still_works(
        redis_server: RedisServer, reads: RedisReads) -> None:
    Redis.from_url(redis_server.url).set("reads:string", "s")
    with pytest.raises(RedisReadError, match="WRONGTYPE"):
        await reads.execute(("SCARD", "reads:string"))
    assert await reads.execute(("GET", "reads:string")) == [b"s"]


async def test_the_database_of_the_url_is_selected(redis_server: RedisServer) -> None:
    url = redis_server.url.rsplit("/", 1)[0] + "/3"
    Redis.from_url(url).set("reads:db", "three")
    reads = RedisReads(url)
    try:
        assert await reads.execute(("GET", "reads:db")) == [b"three"]
    finally:
        await reads.aclose()


async def test_an_unreachable_redis_is_an_error() -> None:
    reads = RedisReads(f"redis://127.0.0.1:{free_port()}/0", timeout=1.0)
    with pytest.raises(RedisReadError):
        await reads.execute(("GET", "anything"))


async def test_started_reads_are_sent_at_once_and_answered_later(
        redis_server: RedisServer, reads: RedisReads) -> None:
    writer = Redis.from_url(redis_server.url)
    writer.set("reads:early", "before")
    unconnected = reads.start(("GET", "reads:early"))  # no connection yet: sent on await
    assert await unconnected.replies() == [b"before"]
    pending = reads.start(("GET", "reads:early"))  # connected: written now
    await asyncio.sleep(0.05)  # Redis answers meanwhile
    writer.set("reads:early", "after")
    assert await pending.replies() == [b"before"]  # read when started, not when awaited


async def test_discarded_reads_leave_no_unretrieved_error(
        redis_server: RedisServer, reads: RedisReads) -> None:
    Redis.from_url(redis_server.url).set("reads:text", "t")
    loop = asyncio.get_running_loop()
    unhandled: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _, context: unhandled.append(context))
    try:
        await reads.execute(("GET", "reads:text"))  # connect
        reads.start(("SCARD", "reads:text")).discard()  # its reply is an error
        assert await reads.execute(("GET", "reads:text")) == [b"t"]
        gc.collect()
        assert unhandled == []
    finally:
        loop.set_exception_handler(None)
