"""The search-result cache: keyed by query, variables and the index version; bounded.

An entry is found only under the index version current when the request starts (one Redis
GET, sent as the request arrives and answered before Meilisearch is asked; see
``core.search.index_version``), so a search never answers from before a completed index
update. Entries are bounded in number (``SEARCH_CACHE_SIZE``) and bytes, and expire
after :data:`TTL_SECONDS`, which bounds how stale the time-dependent parts (upcoming study
visits as a filter or facet) may be. With ``SEARCH_CACHE_REDIS`` entries are also shared
between API processes through Redis (with the same TTL), read on the same connection
right after the version. When Redis cannot be reached nothing is cached or served from the cache.

What is cached is decided by the compiled path: a whole response, or only the
Meilisearch part when the response has per-request data (seats left of study visits).
Errors are never cached.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.redis_reads import PendingReads, RedisReadError, RedisReads
from core.search import index_version

log = logging.getLogger(__name__)

TTL_SECONDS = 60
MAX_BYTES = 64 * 1024 * 1024
RESPONSE = b"R"  # the whole response body
MEILI = b"M"  # Meilisearch's multi-search answer only
_WARN_EVERY_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Entry:
    version: str
    kind: bytes
    payload: bytes
    expires: float


class BoundedLru:
    """An LRU map bounded by entries and by the bytes of its payloads."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[bytes, Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: bytes) -> Entry | None:
        entry = self._items.get(key)
        if entry is not None:
            self._items.move_to_end(key)
        return entry

    def put(self, key: bytes, entry: Entry) -> None:
        size = len(entry.payload) + len(key)
        if self.max_entries <= 0 or size > self.max_bytes // 8:
            return  # too big to be worth a place
        self.pop(key)
        self._items[key] = entry
        self.bytes += size
        while len(self._items) > self.max_entries or self.bytes > self.max_bytes:
            old_key, old = self._items.popitem(last=False)
            self.bytes -= len(old.payload) + len(old_key)

    def __contains__(self, key: bytes) -> bool:
        return key in self._items

    def pop(self, key: bytes) -> None:
        old = self._items.pop(key, None)
        if old is not None:
            self.bytes -= len(old.payload) + len(key)


class SearchCache:
    """One per API process."""

    def __init__(self, redis: Redis, reads: RedisReads, index_uid: str, max_entries: int,
                 shared: bool = False, max_bytes: int = MAX_BYTES, ttl: float = TTL_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.redis = redis  # writes
        self.reads = reads  # the per-request reads, in one round trip
        self.index_uid = index_uid
        self.version_key = index_version.version_key(index_uid)
        self.local = BoundedLru(max_entries, max_bytes)
        self.shared = shared
        self.ttl = ttl
        self.clock = clock
        self._warned = -_WARN_EVERY_SECONDS
        self.hits = self.misses = 0

    def _shared_key(self, key: bytes) -> str:
        return f"search:cache:{self.index_uid}:{key.hex()}"

    def begin(self) -> Lookup:
        """Start a request's look-up: the index version is read now, and answered while
        the request is parsed and planned."""
        return Lookup(self, self.reads.start(("GET", self.version_key)))

    async def _finish(self, key: bytes, version_read: PendingReads,
                      shared_read: PendingReads | None) -> tuple[str | None, Entry | None]:
        try:
            (raw_version,) = await version_read.replies()
            shared = (await shared_read.replies())[0] if shared_read is not None else None
            if raw_version is None:
                version = await index_version.current(self.redis, self.index_uid)
            else:
                version = raw_version.decode()
        except (RedisError, RedisReadError, OSError):
            self._warn()
            return None, None
        entry = self.local.get(key)
        if entry is not None and (entry.version != version or entry.expires <= self.clock()):
            self.local.pop(key)
            entry = None
        if entry is None and shared:
            entry = self._from_shared(key, version, shared)
        if entry is None:
            self.misses += 1
        else:
            self.hits += 1
        return version, entry

    def _from_shared(self, key: bytes, version: str, value: bytes) -> Entry | None:
        stored_version, _, rest = value.partition(b"\n")
        if stored_version.decode() != version or not rest:
            return None
        entry = Entry(version, rest[:1], rest[1:], self.clock() + self.ttl)
        self.local.put(key, entry)
        return entry

    async def store(self, key: bytes, version: str, kind: bytes, payload: bytes) -> None:
        self.local.put(key, Entry(version, kind, payload, self.clock() + self.ttl))
        if not self.shared:
            return
        try:
            await self.redis.set(self._shared_key(key),
                                 version.encode() + b"\n" + kind + payload, ex=int(self.ttl))
        except (RedisError, OSError):
            self._warn()

    def _warn(self) -> None:
        now = time.monotonic()
        if now - self._warned >= _WARN_EVERY_SECONDS:
            self._warned = now
            log.warning("Redis is unreachable: searches are answered without the cache",
                        exc_info=True)


class Lookup:
    """One request's look-up (see :meth:`SearchCache.begin`): :meth:`find` names the entry,
    :meth:`result` gives the same answer however often awaited, or :meth:`discard` ends it."""

    __slots__ = ("_cache", "_outcome", "_shared_read", "_version_read", "key")

    def __init__(self, cache: SearchCache, version_read: PendingReads) -> None:
        self._cache = cache
        self._version_read = version_read
        self._shared_read: PendingReads | None = None
        self._outcome: tuple[str | None, Entry | None] | None = None
        self.key = b""

    def find(self, key: bytes) -> None:
        """Look for ``key`` (in the shared cache too, whose read is sent now)."""
        self.key = key
        if self._cache.shared:
            self._shared_read = self._cache.reads.start(("GET", self._cache._shared_key(key)))

    @property
    def may_hit(self) -> bool:
        """Whether an entry may be found (one is held here, or the shared cache may have
        one); when not, planning the search meanwhile is never wasted."""
        return self._cache.shared or self.key in self._cache.local

    async def result(self) -> tuple[str | None, Entry | None]:
        """The current index version (None: Redis unreachable, do not cache) and the entry."""
        if self._outcome is None:
            self._outcome = await self._cache._finish(self.key, self._version_read,
                                                      self._shared_read)
        return self._outcome

    def discard(self) -> None:
        """The request ends without the result."""
        if self._outcome is None:
            self._version_read.discard()
            if self._shared_read is not None:
                self._shared_read.discard()
