"""Lean Redis reads for the search path: pipelined commands on one connection.

Every search with the cache on reads the index version (and, with study visits, seats
taken); through redis-py's asyncio client one such round trip costs about 0.15 ms of CPU,
through this about 0.03 ms. Commands are written at once and their replies, parsed by
hiredis, resolve the waiting futures in order, so concurrent requests share the connection
without locking. :meth:`RedisReads.start` writes commands at once and lets the caller
collect the replies later, so a round trip can overlap work the caller does meanwhile.
Only reads go through here; writes stay with redis-py. The URL is parsed by redis-py
(``redis://``, ``rediss://``, ``unix://``, with user, password and database); with
``locate`` (Sentinel, see ``core.redis_clients.master_address``) every new connection goes
to the address it gives instead of the URL's host and port.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, cast

import hiredis
from redis.connection import SSLConnection, UnixDomainSocketConnection, parse_url


class RedisReadError(ConnectionError):
    """No answer from Redis (connection refused or lost, timeout, error reply)."""


def _command(*parts: str | bytes) -> bytes:
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


class _Protocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.reader = hiredis.Reader()
        self.waiters: deque[asyncio.Future[Any]] = deque()
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.reader.feed(data)
        while True:
            try:
                reply = self.reader.gets()
            except hiredis.ProtocolError as exc:
                self.fail(RedisReadError(f"malformed reply from Redis: {exc}"))
                return
            if reply is False:
                return
            waiter = self.waiters.popleft()
            if waiter.done():
                continue
            if isinstance(reply, hiredis.ReplyError):
                waiter.set_exception(RedisReadError(str(reply)))
            else:
                waiter.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self.fail(RedisReadError(f"Redis closed the connection ({exc or 'EOF'})"))

    def fail(self, error: Exception) -> None:
        self.closed = True
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_exception(error)
        if self.transport is not None:
            self.transport.close()

    def send(self, commands: list[bytes]) -> list[asyncio.Future[Any]]:
        assert self.transport is not None
        loop = asyncio.get_running_loop()
        futures = [loop.create_future() for _ in commands]
        self.waiters.extend(futures)
        self.transport.write(b"".join(commands))
        return futures


class RedisReads:
    """One connection per process, opened on first use and again after a failure."""

    def __init__(self, url: str, timeout: float = 2.0,
                 locate: Callable[[], Awaitable[tuple[str, int]]] | None = None) -> None:
        self.options: dict[str, Any] = parse_url(url)  # type: ignore[no-untyped-call]
        self.timeout = timeout
        self.locate = locate
        self._protocol: _Protocol | None = None
        self._connecting = asyncio.Lock()

    async def _connect(self) -> _Protocol:
        options = self.options
        loop = asyncio.get_running_loop()
        kind = options.get("connection_class")
        if kind is UnixDomainSocketConnection:
            _, protocol = await loop.create_unix_connection(_Protocol, options["path"])
        else:
            secure = ssl.create_default_context() if kind is SSLConnection else None
            host, port = options.get("host", "localhost"), options.get("port", 6379)
            if self.locate is not None:
                host, port = await self.locate()
            _, protocol = await loop.create_connection(_Protocol, host, port, ssl=secure)
        setup = []
        if options.get("password"):
            user = options.get("username")
            setup.append(_command("AUTH", *([user] if user else []), options["password"]))
        if options.get("db"):
            setup.append(_command("SELECT", str(options["db"])))
        if setup:
            await asyncio.gather(*protocol.send(setup))
        return protocol

    async def _connection(self) -> _Protocol:
        protocol = self._protocol
        if protocol is not None and not protocol.closed:
            return protocol
        async with self._connecting:
            if self._protocol is None or self._protocol.closed:
                try:
                    self._protocol = await asyncio.wait_for(self._connect(), self.timeout)
                except (OSError, TimeoutError) as exc:
                    raise RedisReadError(f"cannot connect to Redis: {exc!r}") from exc
            return self._protocol

    async def execute(self, *commands: tuple[str, ...]) -> list[Any]:
        """Run the commands in one round trip; their replies in order."""
        protocol = await self._connection()
        return await self._collect(protocol, protocol.send([_command(*c) for c in commands]))

    def start(self, *commands: tuple[str, ...]) -> PendingReads:
        """Write the commands now when connected (else on :meth:`PendingReads.replies`)."""
        protocol = self._protocol
        if protocol is None or protocol.closed:
            return PendingReads(self, commands, None, None)
        return PendingReads(self, commands, protocol,
                            protocol.send([_command(*c) for c in commands]))

    async def _collect(self, protocol: _Protocol, futures: list[asyncio.Future[Any]]
                       ) -> list[Any]:
        timer = asyncio.get_running_loop().call_later(
            self.timeout, protocol.fail, RedisReadError("Redis did not answer in time"))
        try:
            return [await future for future in futures]
        finally:
            timer.cancel()
            for future in futures:  # mark the others' errors as seen
                if future.done() and not future.cancelled():
                    future.exception()

    async def aclose(self) -> None:
        if self._protocol is not None:
            self._protocol.closed = True
            if self._protocol.transport is not None:
                self._protocol.transport.close()
            self._protocol = None


class PendingReads:
    """Commands given to :meth:`RedisReads.start`: await :meth:`replies` once, or
    :meth:`discard` them."""

    __slots__ = ("_commands", "_futures", "_protocol", "_reads")

    def __init__(self, reads: RedisReads, commands: tuple[tuple[str, ...], ...],
                 protocol: _Protocol | None, futures: list[asyncio.Future[Any]] | None) -> None:
        self._reads = reads
        self._commands = commands
        self._protocol = protocol
        self._futures = futures

    async def replies(self) -> list[Any]:
        """The replies in order (sending the commands first if :meth:`start` could not)."""
        if self._protocol is None or self._futures is None:
            return await self._reads.execute(*self._commands)
        futures, self._futures = self._futures, None
        return await self._reads._collect(self._protocol, futures)

    def discard(self) -> None:
        """Replies will not be awaited: see to it that their errors count as seen."""
        futures, self._futures = self._futures, None
        for future in futures or ():
            future.add_done_callback(_seen)


def _seen(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()
