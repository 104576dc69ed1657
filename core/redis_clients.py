"""The redis-py clients of the API, the worker and the indexer, with the
``REDIS_TIMEOUT_SECONDS`` deadline on connecting and on every command.

Without a socket timeout a stopped (not dead) Redis leaves a command waiting forever:
the connection stays open and no answer comes. redis-py retries nothing by default, so
a command fails within the deadline; callers turn that into ``ServiceUnavailable``
(``core.outages``). The deadline is longer when writes wait for replicas or the
append-only file (``core.durability.socket_timeout_seconds``). The worker's arq pool is
one of these clients too (:func:`job_queue`): arq's own pool has no socket timeout, and a
stopped master would hold the worker's poll forever.

With ``REDIS_SENTINELS`` every client asks the Sentinels for the master of
``REDIS_SENTINEL_MASTER`` whenever it opens a connection (redis-py's Sentinel pools), so
after a failover the next command reaches the new master without a restart; a connection
to a former master that is now a replica fails (``READONLY``) and is opened again.
``REDIS_URL`` then gives only the database, user and password.
"""

from __future__ import annotations

from typing import Any

from arq.connections import ArqRedis, RedisSettings
from redis import Redis as SyncRedis
from redis import sentinel as sync_sentinel
from redis.asyncio import Redis
from redis.asyncio import sentinel as async_sentinel
from redis.connection import parse_url

from core.durability import socket_timeout_seconds
from core.settings import Settings


def _auth(settings: Settings) -> dict[str, Any]:
    """Database, user and password of ``REDIS_URL`` (for the master found by Sentinel)."""
    options: dict[str, Any] = parse_url(settings.redis_url)  # type: ignore[no-untyped-call]
    return {key: options[key] for key in ("db", "username", "password") if options.get(key)}


def _timeouts(settings: Settings, timeout: float | None) -> dict[str, float]:
    seconds = socket_timeout_seconds(settings) if timeout is None else timeout
    return {"socket_timeout": seconds, "socket_connect_timeout": seconds}


def redis_client(settings: Settings, timeout: float | None = None) -> Redis:
    """The asyncio client (the API, the worker's tools); ``timeout`` overrides
    ``REDIS_TIMEOUT_SECONDS``."""
    client: Redis = _async_client(settings, Redis, timeout)
    return client


def job_queue(settings: Settings) -> ArqRedis:
    """arq's client: the API enqueues with it and the worker runs on it (arq's
    ``create_pool`` sets no socket timeout)."""
    queue: ArqRedis = _async_client(settings, ArqRedis, None)
    return queue


def _async_client(settings: Settings, kind: type[Any], timeout: float | None) -> Any:
    deadlines = _timeouts(settings, timeout)
    if settings.redis_sentinels:
        sentinels = async_sentinel.Sentinel(  # type: ignore[no-untyped-call]
            list(settings.redis_sentinels), sentinel_kwargs=deadlines)
        options: dict[str, Any] = {**deadlines, **_auth(settings)}
        return sentinels.master_for(settings.redis_sentinel_master, redis_class=kind,
                                    **options)
    return kind.from_url(settings.redis_url, **deadlines)


def sync_redis_client(settings: Settings, timeout: float | None = None) -> SyncRedis:
    """A blocking client (the indexer, the worker's feed loads)."""
    deadlines = _timeouts(settings, timeout)
    if settings.redis_sentinels:
        sentinels = sync_sentinel.Sentinel(  # type: ignore[no-untyped-call]
            list(settings.redis_sentinels), sentinel_kwargs=deadlines)
        client: SyncRedis = sentinels.master_for(  # type: ignore[no-untyped-call]
            settings.redis_sentinel_master, **deadlines, **_auth(settings))
        return client
    return SyncRedis.from_url(settings.redis_url, **deadlines)


def arq_redis_settings(settings: Settings) -> RedisSettings:
    """arq's connection settings: ``REDIS_URL``, or the Sentinels (``sentinel=True``)."""
    if not settings.redis_sentinels:
        return RedisSettings.from_dsn(settings.redis_url)
    auth = _auth(settings)
    return RedisSettings(host=list(settings.redis_sentinels),
                         sentinel=True, sentinel_master=settings.redis_sentinel_master,
                         database=int(auth.get("db", 0)), username=auth.get("username"),
                         password=auth.get("password"),
                         conn_timeout=max(1, round(settings.redis_timeout_seconds)))


async def master_address(settings: Settings) -> tuple[str, int]:
    """Where the master is now, asked of the Sentinels (``REDIS_SENTINELS`` is set)."""
    sentinels = async_sentinel.Sentinel(  # type: ignore[no-untyped-call]
        list(settings.redis_sentinels), sentinel_kwargs=_timeouts(settings, None))
    try:
        host, port = await sentinels.discover_master(settings.redis_sentinel_master)
    finally:
        for client in sentinels.sentinels:
            await client.aclose()
    return str(host), int(port)
