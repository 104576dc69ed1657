"""The feed API's service: who may upload, validation, the load record, the queued job.

Validation is the indexer's own (:func:`indexer.feed.parse_feed`, the CLI's code path and
wording), run in a thread so that a large feed does not hold up the event loop. Every
Redis call has a deadline; Redis failing or not answering in time is
:class:`core.errors.ServiceUnavailable`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import StrEnum

from arq.connections import ArqRedis
from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.errors import ServiceUnavailable
from core.feeds.loads import FEED_LOAD_JOB, LoadRecord, LoadState, LoadStore, new_load_id
from core.feeds.organisations import canonical_organisation_number
from core.feeds.provider_keys import ProviderKey, ProviderKeys
from core.feeds.upload_limit import UploadLimit
from core.reference import Reference
from core.settings import Settings
from indexer.feed import Rejection, parse_feed

REDIS_DEADLINE_SECONDS = 5.0
# Feeds validated at once per process: each holds a parsed feed (several times its bytes)
# and a core; more wait their turn.
VALIDATION_SLOTS = 2
STORE = "registrations"  # the public name of the Redis dependency (see ServiceUnavailable)
NOT_QUEUED = "the feed could not be queued for indexing; upload it again"


def feed_load_job_id(load_id: str) -> str:
    return f"{FEED_LOAD_JOB}:{load_id}"


class Refusal(StrEnum):
    """Why an upload or a read was refused (the API maps each to its HTTP status)."""

    UNAUTHORIZED = "UNAUTHORIZED"
    FORBIDDEN = "FORBIDDEN"
    INVALID_ORGANISATION_NUMBER = "INVALID_ORGANISATION_NUMBER"
    INVALID_FEED = "INVALID_FEED"
    ORGANISATION_MISMATCH = "ORGANISATION_MISMATCH"
    RATE_LIMITED = "RATE_LIMITED"


class FeedRefused(Exception):
    """An expected refusal, with a message for the provider."""

    def __init__(self, refusal: Refusal, message: str, field: str | None = None,
                 retry_after: int | None = None) -> None:
        super().__init__(message)
        self.refusal = refusal
        self.message = message
        self.field = field
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class RecordRejection:
    """One record that was not accepted, in the CLI's words."""

    record: str
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class SubmitReport:
    """The synchronous answer to an upload: validated, stored, queued."""

    load_id: str
    organisation_number: str
    state: LoadState
    accepted: int
    rejected: list[RecordRejection]


@contextlib.asynccontextmanager
async def _store_call() -> AsyncIterator[None]:
    """A deadline on the Redis calls inside; their failure is an outage, not a 500."""
    try:
        async with asyncio.timeout(REDIS_DEADLINE_SECONDS):
            yield
    except (RedisError, OSError, TimeoutError) as exc:
        raise ServiceUnavailable(STORE) from exc


def _bearer(authorization: str | None) -> str | None:
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


class FeedService:
    """Uploads and load listings for providers holding a key (one per API process)."""

    def __init__(self, settings: Settings, reference: Reference, redis: Redis,
                 queue: ArqRedis) -> None:
        self._reference = reference
        self._keys = ProviderKeys(redis)
        self._limit = UploadLimit(redis, settings.feed_uploads_per_hour)
        self._loads = LoadStore(redis)
        self._queue = queue
        self._validations = asyncio.Semaphore(VALIDATION_SLOTS)

    async def authorize(self, path_number: str, authorization: str | None) -> ProviderKey:
        """The caller's key, when it is live and belongs to the path's organisation."""
        token = _bearer(authorization)
        key = None
        if token is not None:
            async with _store_call():
                key = await self._keys.authenticate(token)
        if key is None:
            raise FeedRefused(Refusal.UNAUTHORIZED,
                              "a valid provider key is required: Authorization: Bearer <key>")
        number = canonical_organisation_number(path_number)
        if number is None:
            raise FeedRefused(Refusal.INVALID_ORGANISATION_NUMBER,
                              f"{path_number!r} is not an organisation number with a valid "
                              "check digit: 10 digits NNNNNN-NNNN (SE), 8 (DK CVR) or 9 (NO)",
                              field="organisationNumber")
        if number != key.organisation_number:
            raise FeedRefused(Refusal.FORBIDDEN,
                              f"this key is for organisation {key.organisation_number}, "
                              f"not {number}")
        return key

    async def take_upload(self, key: ProviderKey) -> None:
        """Count one upload against the key's hourly allowance."""
        async with _store_call():
            wait = await self._limit.take(key.key_id)
        if wait:
            raise FeedRefused(Refusal.RATE_LIMITED,
                              f"too many uploads with this key; try again in {wait} s",
                              retry_after=wait)

    async def submit(self, organisation_number: str, body: bytes) -> SubmitReport:
        """Validate the feed, store it with a ``queued`` load record and queue its load."""
        async with self._validations:
            feed = await asyncio.to_thread(parse_feed, body, "feed", self._reference)
        if isinstance(feed, Rejection):
            raise FeedRefused(Refusal.INVALID_FEED, feed.reason, field=feed.field)
        sent_for = feed.provider["organisationNumber"]
        if sent_for != organisation_number:
            raise FeedRefused(Refusal.ORGANISATION_MISMATCH,
                              f"the feed is for {sent_for}, but was sent to "
                              f"/feeds/{organisation_number}",
                              field="provider.organisationNumber")
        load_id = new_load_id()
        async with _store_call():
            record = await self._loads.create(load_id, organisation_number, body,
                                              len(feed.courses), len(feed.rejections))
            try:
                await self._queue.enqueue_job(FEED_LOAD_JOB, load_id,
                                              _job_id=feed_load_job_id(load_id))
            except (RedisError, OSError):
                # Best effort; a load left queued shows as failed once its body expired.
                with contextlib.suppress(RedisError, OSError, TimeoutError):
                    async with asyncio.timeout(1):
                        await self._loads.mark_failed(load_id, NOT_QUEUED)
                raise
        return SubmitReport(
            load_id, organisation_number, record.state, len(feed.courses),
            [RecordRejection(r.record_id, r.field, r.reason) for r in feed.rejections],
        )

    async def recent_loads(self, organisation_number: str) -> list[LoadRecord]:
        async with _store_call():
            return await self._loads.recent(organisation_number)
