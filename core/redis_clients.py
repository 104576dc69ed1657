"""The redis-py clients of the API and the indexer, with the ``REDIS_TIMEOUT_SECONDS``
deadline on connecting and on every command.

Without a socket timeout a stopped (not dead) Redis leaves a command waiting forever:
the connection stays open and no answer comes. redis-py retries nothing by default, so
a command fails within the deadline; callers turn that into ``ServiceUnavailable``
(``core.outages``).
"""

from __future__ import annotations

from arq.connections import ArqRedis
from redis import Redis as SyncRedis
from redis.asyncio import Redis

from core.settings import Settings


def redis_client(settings: Settings) -> Redis:
    """The asyncio client of the API."""
    timeout = settings.redis_timeout_seconds
    client: Redis = Redis.from_url(settings.redis_url, socket_timeout=timeout,
                                   socket_connect_timeout=timeout)
    return client


def job_queue(settings: Settings) -> ArqRedis:
    """arq's client for enqueuing jobs (arq's ``create_pool`` sets no socket timeout)."""
    timeout = settings.redis_timeout_seconds
    queue: ArqRedis = ArqRedis.from_url(settings.redis_url, socket_timeout=timeout,
                                        socket_connect_timeout=timeout)
    return queue


def sync_redis_client(settings: Settings) -> SyncRedis:
    """A blocking client (the indexer)."""
    timeout = settings.redis_timeout_seconds
    return SyncRedis.from_url(settings.redis_url, socket_timeout=timeout,
                              socket_connect_timeout=timeout)
