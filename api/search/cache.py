"""The search-result cache: keyed by query, variables and the index version; bounded.

An entry is stored under an index version read before its search was sent to Meilisearch,
and found only when a version read by the finding request (one Redis GET, sent as the
request is planned; see ``core.search.index_version``) equals it. Versions are never
reused, so the index had no completed update between the entry's search and its use: a
search never answers from before a completed index update. A request that cannot find an
entry (none held here, and no shared cache) reads nothing; its answer is stored under the
last version read, if read within :data:`VERSION_MAX_AGE` (an older one is read anew
first). Entries are bounded in number (``SEARCH_CACHE_SIZE``) and bytes, and expire after
:data:`TTL_SECONDS`. A whole answer also expires when the moment its search counted
"upcoming" study visits from passes (the next whole minute after it was planned,
``core.search.filters.upcoming_bound``; by the wall clock), so that no cached answer
counts a visit that has started. With ``SEARCH_CACHE_REDIS`` entries are also shared
between API processes through Redis (with the same TTL), read in the same round trip as
the version. When Redis cannot be reached nothing fresh is served from the cache.

While Meilisearch does not answer, a search whose entry this process still holds is
answered from it even when its version is old or its TTL passed, for at most
``SEARCH_STALE_SECONDS`` after it expired (:meth:`SearchCache.stale`), and the response
says so: ``"extensions": {"stale": true}`` (:func:`mark_stale`). Outdated entries are
therefore kept (still bounded by number and bytes) until that window has passed.

What is cached is decided by the compiled path: a whole response, or, when the response
lists study visits, a template of it with Meilisearch's answer (seats left are filled in
per request; the template holds until a visit it lists starts, then the answer is
projected anew; see ``api.search.compiled.seat_template``). Errors are never cached.

The parts of a multi-search (the main query and each disjunctive facet's count query) are
cached too, each under the digest of the query as sent (:func:`part_key`), so that a
search missed as a whole sends Meilisearch only the queries no earlier search sent: a
facet's count query is shared by every search that differs only in that facet's values.
Parts follow the same version rule, with a version read by the finding request
(:meth:`SearchCache.parts`), and are shared through Redis like whole entries. A part needs
no wall-clock expiry: a time-dependent query names its "upcoming" moment, so a search of
the next minute sends (and looks up) another query.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.redis_reads import PendingReads, RedisReadError, RedisReads
from core.search import index_version
from core.search.filters import upcoming_bound

log = logging.getLogger(__name__)

TTL_SECONDS = 60
MAX_BYTES = 64 * 1024 * 1024
RESPONSE = b"R"  # the whole response body
TEMPLATE = b"T"  # the response with seats left to fill in, and Meilisearch's answer
PART = b"P"  # Meilisearch's answer to one query of a multi-search
_WARN_EVERY_SECONDS = 60.0
VERSION_MAX_AGE = 1.0  # seconds; see SearchCache.lookup


@dataclass(frozen=True, slots=True)
class Entry:
    version: str
    kind: bytes
    payload: bytes
    expires: float  # by the cache's clock (monotonic)
    until: float = math.inf  # by the wall clock: when the answer stops being exact


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
                 clock: Callable[[], float] = time.monotonic, stale_seconds: float = 0.0,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self.redis = redis  # writes
        self.reads = reads  # the per-request reads, in one round trip
        self.index_uid = index_uid
        self.version_key = index_version.version_key(index_uid)
        self.local = BoundedLru(max_entries, max_bytes)
        self.shared = shared
        self.ttl = ttl
        self.stale_seconds = stale_seconds
        self.clock = clock
        self.wall_clock = wall_clock  # the search service's: entries' ``until``
        self._known: tuple[str, float] | None = None  # the last version read, and when
        self._warned = -_WARN_EVERY_SECONDS
        self.hits = self.misses = self.stale_hits = 0
        self.part_hits = self.part_misses = 0

    def _shared_key(self, key: bytes) -> str:
        return f"search:cache:{self.index_uid}:{key.hex()}"

    def lookup(self, key: bytes) -> Lookup:
        """Start a request's look-up of ``key``.

        Redis is read (the version, and the shared entry when shared) when an entry may be
        found, or when the last version read is older than :data:`VERSION_MAX_AGE`; the reply
        arrives while the request is planned. Otherwise the request is a miss, known at
        once, and its answer is stored under the last version read.
        """
        known = self._known
        if not self.shared and key not in self.local and known is not None \
                and self.clock() - known[1] < VERSION_MAX_AGE:
            return Lookup(self, key, None, known[0])
        commands = [("GET", self.version_key)]
        if self.shared:
            commands.append(("GET", self._shared_key(key)))
        return Lookup(self, key, self.reads.start(*commands), None)

    async def _finish(self, key: bytes, reads: PendingReads) -> tuple[str | None, Entry | None]:
        try:
            raw_version, *shared = await reads.replies()
            if raw_version is None:
                version = await index_version.current(self.redis, self.index_uid)
            else:
                version = raw_version.decode()
        except (RedisError, RedisReadError, OSError):
            self._warn()
            return None, None
        self._known = version, self.clock()
        entry = self.local.get(key)
        if entry is not None and (entry.version != version or entry.expires <= self.clock()
                                  or entry.until <= self.wall_clock()):
            if entry.expires + self.stale_seconds <= self.clock():
                self.local.pop(key)  # kept outdated only for a stale answer
            entry = None
        if entry is None and shared and shared[0]:
            entry = self._from_shared(key, version, shared[0])
        return version, entry

    def _from_shared(self, key: bytes, version: str, value: bytes) -> Entry | None:
        stored_version, _, rest = value.partition(b"\n")
        if stored_version.decode() != version or not rest:
            return None
        # Redis drops a whole answer when its minute ends (see :meth:`store`), so one found
        # there was stored in this minute and is exact until its end.
        until = math.inf if rest[:1] == PART else upcoming_bound(self.wall_clock())
        entry = Entry(version, rest[:1], rest[1:], self.clock() + self.ttl, until)
        self.local.put(key, entry)
        return entry

    async def parts(self, keys: list[bytes], version: str, version_read: bool
                    ) -> tuple[str | None, list[bytes | None]]:
        """The held answers to the queries of ``keys`` (see :func:`part_key`), None where
        none, and the version to store the missing ones under (None: do not).

        ``version`` is the request's; unless ``version_read`` (read by this request) it is
        read anew first when a part may be found, as :meth:`lookup` does for whole entries.
        """
        if not self.shared and not any(key in self.local for key in keys):
            self.part_misses += len(keys)
            return version, [None] * len(keys)
        commands = [("GET", self._shared_key(key)) for key in keys] if self.shared else []
        if not version_read:
            commands.insert(0, ("GET", self.version_key))
        replies: list[bytes | None] = [None] * len(keys)
        if commands:
            try:
                answers = await self.reads.execute(*commands)
            except (RedisError, RedisReadError, OSError):
                self._warn()
                return None, [None] * len(keys)
            if not version_read:
                raw_version, *answers = answers
                if raw_version is None:
                    return None, [None] * len(keys)  # the next look-up sets a new one
                version = raw_version.decode()
                self._known = version, self.clock()
            if self.shared:
                replies = answers
        found: list[bytes | None] = []
        for number, key in enumerate(keys):
            entry = self.local.get(key)
            if entry is not None and (entry.version != version or entry.expires <= self.clock()):
                self.local.pop(key)
                entry = None
            shared = replies[number]
            if entry is None and shared:
                entry = self._from_shared(key, version, shared)
            found.append(None if entry is None else entry.payload)
        hits = sum(payload is not None for payload in found)
        self.part_hits += hits
        self.part_misses += len(keys) - hits
        return version, found

    async def store_parts(self, version: str, parts: list[tuple[bytes, bytes]]) -> None:
        """Hold each ``(key, answer)`` of ``parts`` under ``version`` (a version read before
        the queries were sent)."""
        expires = self.clock() + self.ttl
        for key, payload in parts:
            self.local.put(key, Entry(version, PART, payload, expires))
        if not self.shared or not parts:
            return
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for key, payload in parts:
                    pipe.set(self._shared_key(key), version.encode() + b"\n" + PART + payload,
                             ex=int(self.ttl))
                await pipe.execute()
        except (RedisError, OSError):
            self._warn()

    def stale(self, key: bytes) -> Entry | None:
        """The entry held for ``key`` whatever its version, unless it expired more than
        ``stale_seconds`` ago: the answer while Meilisearch is down."""
        entry = self.local.get(key)
        if entry is None or entry.expires + self.stale_seconds <= self.clock():
            return None
        self.stale_hits += 1
        return entry

    async def store(self, key: bytes, version: str, kind: bytes, payload: bytes,
                    until: float = math.inf) -> None:
        """Hold a whole answer under ``version`` until ``until`` (wall clock; the search's
        ``fresh_until``) or for the TTL, whichever ends first."""
        lifetime = min(self.ttl, until - self.wall_clock())
        if lifetime <= 0:
            return
        self.local.put(key, Entry(version, kind, payload, self.clock() + self.ttl, until))
        if not self.shared:
            return
        try:
            await self.redis.set(self._shared_key(key),
                                 version.encode() + b"\n" + kind + payload,
                                 px=max(1, int(lifetime * 1000)))
        except (RedisError, OSError):
            self._warn()

    def _warn(self) -> None:
        now = time.monotonic()
        if now - self._warned >= _WARN_EVERY_SECONDS:
            self._warned = now
            log.warning("Redis is unreachable: searches are answered without the cache",
                        exc_info=True)


def part_key(query: bytes) -> bytes:
    """The cache key of one multi-search query, given as its JSON with sorted keys; never
    equal to a whole request's key (those are 20 bytes)."""
    return b"part:" + hashlib.blake2b(query, digest_size=20).digest()


STALE_EXTENSIONS = b',"extensions":{"stale":true}}'


def mark_stale(response: bytes) -> bytes:
    """A ``{"data": ...}`` response body with ``"extensions": {"stale": true}`` added."""
    assert response.endswith(b"}")
    return response[:-1] + STALE_EXTENSIONS


class Lookup:
    """One request's look-up (see :meth:`SearchCache.lookup`): :meth:`result` gives the
    same answer however often awaited, or :meth:`discard` ends it."""

    __slots__ = ("_cache", "_known", "_outcome", "_reads", "key")

    def __init__(self, cache: SearchCache, key: bytes, reads: PendingReads | None,
                 known: str | None) -> None:
        self._cache = cache
        self.key = key
        self._reads = reads  # None: a miss, to be stored under the version ``known``
        self._known = known
        self._outcome: tuple[str | None, Entry | None] | None = None

    @property
    def may_hit(self) -> bool:
        """Whether an entry may be found (one is held here, or the shared cache may have
        one); when not, planning the search meanwhile is never wasted."""
        return self._reads is not None and (self._cache.shared or self.key in self._cache.local)

    async def result(self) -> tuple[str | None, Entry | None]:
        """The version to store a miss under (None: Redis unreachable, do not cache) and
        the entry found."""
        if self._outcome is None:
            if self._reads is None:
                self._outcome = self._known, None
            else:
                self._outcome = await self._cache._finish(self.key, self._reads)
            if self._outcome[1] is None:
                self._cache.misses += 1
            else:
                self._cache.hits += 1
        return self._outcome

    @property
    def version_read(self) -> bool:
        """Whether the version :meth:`result` gives was read by this request."""
        return self._reads is not None

    def discard(self) -> None:
        """The request ends without the result."""
        if self._outcome is None and self._reads is not None:
            self._reads.discard()
