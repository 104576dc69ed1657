"""Turning a dependency's silence into :class:`core.errors.ServiceUnavailable`.

Every client has a deadline (``MEILI_TIMEOUT_SECONDS``, ``REDIS_TIMEOUT_SECONDS``), so a
stalled or dead Meilisearch or Redis ends in a driver exception within it. Services wrap
their calls in :func:`search_outage` or :func:`registrations_outage` so that what reaches
the GraphQL layer or a page is the one typed error, never a driver message with a host
and a port in it (the driver's exception stays as ``__cause__`` for the logs).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

import httpx
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.errors import ServiceUnavailable
from core.meili_http import MeiliHttpError
from core.redis_reads import RedisReadError

SEARCH = "search"
REGISTRATIONS = "registrations"

# What a Meilisearch that does not answer (or refuses) raises in our clients.
SEARCH_FAILURES: tuple[type[BaseException], ...] = (
    httpx.TransportError, MeiliHttpError, TimeoutError)
# The same for Redis: redis-py, the lean reads, and sockets under both.
REGISTRATION_FAILURES: tuple[type[BaseException], ...] = (
    RedisConnectionError, RedisTimeoutError, RedisReadError, OSError, asyncio.TimeoutError)

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def search_outage() -> Iterator[None]:
    """Meilisearch did not answer: raise ``ServiceUnavailable("search")``."""
    try:
        yield
    except SEARCH_FAILURES as exc:
        raise ServiceUnavailable(SEARCH) from exc


def closed_transport(exc: BaseException) -> bool:
    """uvloop's ``RuntimeError`` for a write on a socket closed under it: redis-py lets it
    through when a connection is dropped while it is being set up (a Redis failover)."""
    return isinstance(exc, RuntimeError) and "handler is closed" in str(exc)


@contextmanager
def registrations_outage() -> Iterator[None]:
    """Redis did not answer: raise ``ServiceUnavailable("registrations")``."""
    try:
        yield
    except ServiceUnavailable:
        raise
    except REGISTRATION_FAILURES as exc:
        raise ServiceUnavailable(REGISTRATIONS) from exc
    except RuntimeError as exc:
        if not closed_transport(exc):
            raise
        raise ServiceUnavailable(REGISTRATIONS) from exc


def registrations_call(function: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """A coroutine function whose Redis failures become ``ServiceUnavailable``."""
    @functools.wraps(function)
    async def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        with registrations_outage():
            return await function(*args, **kwargs)

    return guarded
