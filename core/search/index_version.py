"""The search index's version in Redis: changed by the indexer after every completed write.

The API reads it (one GET) before each cached search and makes it part of the cache key,
so that no search answers from a cache entry made before a completed index update. A
version is a fresh random token, never a counter: one that Redis lost (a flush, a restart
without persistence) and someone re-created can never equal an old one. When the key is
missing, the API creates one itself (``SET NX``), which invalidates every older entry.
"""

from __future__ import annotations

import secrets
import time

from redis import Redis as SyncRedis
from redis.asyncio import Redis

from core.redis_values import as_text


def version_key(index_uid: str) -> str:
    return f"search:index-version:{index_uid}"


def new_version() -> str:
    return f"{time.time_ns():x}-{secrets.token_hex(6)}"


def bump(redis: SyncRedis, index_uid: str) -> str:
    """Give the index a new version (the indexer, after a completed write)."""
    version = new_version()
    redis.set(version_key(index_uid), version)
    return version


async def current(redis: Redis, index_uid: str) -> str:
    """The index's version, created when missing."""
    key = version_key(index_uid)
    value = await redis.get(key)
    if value is None:
        await redis.set(key, new_version(), nx=True)
        value = await redis.get(key)
    return as_text(value)
