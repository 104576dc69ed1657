"""Load records: what became of each uploaded feed, kept for the provider to read.

A load is created ``queued`` together with the feed's body (one transaction), turns
``running`` when a worker takes it and ends ``done`` (with what the loader did) or
``failed`` (with a reason meant for the provider). The body is dropped once indexed and
expires after :data:`BODY_TTL_SECONDS` in any case; records expire after
:data:`RECORD_TTL_SECONDS`, and each provider's list keeps the :data:`RECENT_LOADS` newest.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from redis.asyncio import Redis

from core.feeds import keys
from core.redis_values import as_text
from core.visits.awaiting import result

RECENT_LOADS = 20
BODY_TTL_SECONDS = 24 * 3600
RECORD_TTL_SECONDS = 30 * 24 * 3600
FEED_LOAD_JOB = "load_provider_feed"
EXPIRED = "the feed expired before it was indexed; upload it again"
RUNNING_LIMIT_SECONDS = 3600
UNFINISHED = "indexing did not finish in time; upload the feed again"
SUPERSEDED = "not indexed: a newer feed ({}) was received before this one could be"


class LoadState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class LoadRecord:
    """One load as the provider sees it; the loader's figures once it is done."""

    load_id: str
    organisation_number: str
    state: LoadState
    received_at: str
    accepted: int
    rejected: int
    started_at: str | None = None
    finished_at: str | None = None
    indexed: int | None = None
    removed: int | None = None
    seconds: float | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class LoadOutcome:
    """What the loader did with one feed."""

    indexed: int
    removed: int
    seconds: float


def new_load_id() -> str:
    """Sortable by time, unguessable: ``20261201T230501Z-3f9a2c1b``."""
    return f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{secrets.token_hex(4)}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _optional_int(fields: dict[str, str], name: str) -> int | None:
    return int(fields[name]) if name in fields else None


def _age(timestamp: str) -> float:
    return (datetime.now(UTC) - datetime.fromisoformat(timestamp)).total_seconds()


def _record(load_id: str, raw: dict[Any, Any]) -> LoadRecord | None:
    """A record from its hash (None when it expired). A queued load whose body expired
    can no longer run, and one running for an hour was stopped by its job's timeout (a
    worker is never that slow on a feed within the size limit): both read as failed."""
    if not raw:
        return None
    fields = {as_text(k): as_text(v) for k, v in raw.items()}
    state = LoadState(fields["state"])
    if state is LoadState.QUEUED and _age(fields["receivedAt"]) > BODY_TTL_SECONDS:
        state, fields["error"] = LoadState.FAILED, EXPIRED
    if state is LoadState.RUNNING and _age(fields["startedAt"]) > RUNNING_LIMIT_SECONDS:
        state, fields["error"] = LoadState.FAILED, UNFINISHED
    return LoadRecord(
        load_id=load_id,
        organisation_number=fields["organisationNumber"],
        state=state,
        received_at=fields["receivedAt"],
        accepted=int(fields["accepted"]),
        rejected=int(fields["rejected"]),
        started_at=fields.get("startedAt"),
        finished_at=fields.get("finishedAt"),
        indexed=_optional_int(fields, "indexed"),
        removed=_optional_int(fields, "removed"),
        seconds=float(fields["seconds"]) if "seconds" in fields else None,
        error=fields.get("error"),
    )


class LoadStore:
    """Load records and bodies in Redis."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def create(self, load_id: str, organisation_number: str, body: bytes,
                     accepted: int, rejected: int) -> LoadRecord:
        record = LoadRecord(load_id, organisation_number, LoadState.QUEUED, _now(),
                            accepted, rejected)
        listing = keys.recent_loads(organisation_number)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(keys.body(load_id), body, ex=BODY_TTL_SECONDS)
            pipe.hset(keys.load(load_id), mapping={
                "organisationNumber": organisation_number, "state": record.state.value,
                "receivedAt": record.received_at, "accepted": accepted, "rejected": rejected,
            })
            pipe.expire(keys.load(load_id), RECORD_TTL_SECONDS)
            pipe.lpush(listing, load_id)
            pipe.ltrim(listing, 0, RECENT_LOADS - 1)
            pipe.expire(listing, RECORD_TTL_SECONDS)
            await pipe.execute()
        return record

    async def get(self, load_id: str) -> LoadRecord | None:
        return _record(load_id, await result(self._redis.hgetall(keys.load(load_id))))

    async def recent(self, organisation_number: str) -> list[LoadRecord]:
        """The provider's most recent loads, newest first (expired ones left out)."""
        ids = [as_text(i) for i in await result(self._redis.lrange(
            keys.recent_loads(organisation_number), 0, RECENT_LOADS - 1))]
        async with self._redis.pipeline(transaction=False) as pipe:
            for load_id in ids:
                pipe.hgetall(keys.load(load_id))
            replies = await pipe.execute()
        records = [_record(load_id, raw) for load_id, raw in zip(ids, replies, strict=True)]
        return [r for r in records if r is not None]
    async def newer_than(self, organisation_number: str, load_id: str) -> list[LoadRecord]:
        """The provider's loads received after ``load_id``, newest first (all of the recent
        ones when ``load_id`` is no longer among them)."""
        recent = await self.recent(organisation_number)
        ids = [r.load_id for r in recent]
        return recent[:ids.index(load_id)] if load_id in ids else recent

    async def body(self, load_id: str) -> bytes | None:
        value = await self._redis.get(keys.body(load_id))
        return None if value is None else bytes(value)

    async def mark_running(self, load_id: str) -> None:
        await result(self._redis.hset(keys.load(load_id), mapping={
            "state": LoadState.RUNNING.value, "startedAt": _now()}))

    async def mark_retrying(self, load_id: str) -> int:
        """Back to ``queued`` after a failed attempt; returns the attempts failed so far."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(keys.load(load_id), "failures", 1)
            pipe.hset(keys.load(load_id), "state", LoadState.QUEUED.value)
            failures, _ = await pipe.execute()
        return int(failures)

    async def mark_done(self, load_id: str, outcome: LoadOutcome) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.load(load_id), mapping={
                "state": LoadState.DONE.value, "finishedAt": _now(),
                "indexed": outcome.indexed, "removed": outcome.removed,
                "seconds": round(outcome.seconds, 3),
            })
            pipe.delete(keys.body(load_id))
            await pipe.execute()

    async def mark_failed(self, load_id: str, reason: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.load(load_id), mapping={
                "state": LoadState.FAILED.value, "finishedAt": _now(), "error": reason})
            pipe.delete(keys.body(load_id))
            await pipe.execute()
