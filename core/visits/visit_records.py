"""The study visits registration needs, kept in Redis beside the registrations.

Registering, cancelling and deciding need of a visit only its capacity, times, course,
titles, provider, municipality and contact. Those live in the course index, but reading
them from there would make registration fail whenever Meilisearch does, although seats
and registrations live in Redis. So the indexer also writes, after its Meilisearch tasks
succeeded, one record per visit into Redis, and removes the records of visits withdrawn:

- ``visits:records:{index}`` (hash): visit id → the course document's registration
  fields with ``studyVisits`` holding only that visit (JSON), so that
  :meth:`core.visits.models.Visit.from_document` reads it as it reads the index;
- ``visits:records:{index}:providers`` (hash): organisation number → ``{visit id: course
  id}`` of the provider's visits (JSON), to find the records a new feed withdraws.

A load replaces each loaded provider's records (keeping those of courses whose new record
was rejected: the index keeps their last good version too); a rebuild writes both hashes
anew beside the live ones and renames them over them in one transaction. The API reads a
visit here first and asks Meilisearch only for a visit without a record (records not
written yet, e.g. before the first load with this version, or a Redis without them).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

import orjson
from redis import Redis as SyncRedis
from redis.asyncio import Redis

from core.visits.awaiting import result
from core.visits.models import Visit

RECORD_FIELDS = ("id", "title", "titleEn", "providerName", "municipalityName", "contact",
                 "occupationCode", "country")
WRITE_CHUNK = 1000


def records_key(index_uid: str) -> str:
    return f"visits:records:{index_uid}"


def providers_key(index_uid: str) -> str:
    return f"visits:records:{index_uid}:providers"


def visit_records(document: Mapping[str, Any]) -> dict[str, bytes]:
    """The records of one course document's visits, by visit id."""
    course = {name: document[name] for name in RECORD_FIELDS if name in document}
    return {visit["id"]: orjson.dumps({**course, "studyVisits": [visit]})
            for visit in document.get("studyVisits", [])}


def visit_from_record(raw: bytes | str) -> Visit:
    record = orjson.loads(raw)
    return Visit.from_document(record, record["studyVisits"][0])


async def find_visit_record(redis: Redis, index_uid: str, visit_id: str) -> Visit | None:
    """The visit's record; ``None`` when there is none."""
    raw = await result(redis.hget(records_key(index_uid), visit_id))
    return None if raw is None else visit_from_record(raw)


class VisitRecords:
    """The indexer's writer of the records (blocking client)."""

    def __init__(self, redis: SyncRedis, index_uid: str) -> None:
        self.redis = redis
        self.index_uid = index_uid

    def loaded(self, documents: Iterable[Mapping[str, Any]],
               providers: Mapping[str, Collection[str]]) -> None:
        """After a load: ``documents`` were written for ``providers`` (organisation number
        → ids of the courses whose new record was rejected and which keep their last
        version); each provider's other visits are withdrawn. One transaction per provider.
        """
        by_provider: dict[str, list[Mapping[str, Any]]] = {org: [] for org in providers}
        for document in documents:
            by_provider.setdefault(document["providerOrgNumber"], []).append(document)
        records_at, providers_at = records_key(self.index_uid), providers_key(self.index_uid)
        for org, kept_courses in providers.items():
            records: dict[str, bytes] = {}
            courses: dict[str, str] = {}
            for document in by_provider[org]:
                found = visit_records(document)
                records.update(found)
                courses.update(dict.fromkeys(found, document["id"]))
            previous: dict[str, str] = orjson.loads(
                self.redis.hget(providers_at, org) or b"{}")  # type: ignore[arg-type]
            for visit_id, course_id in previous.items():
                if course_id in kept_courses and visit_id not in courses:
                    courses[visit_id] = course_id
            withdrawn = [visit_id for visit_id in previous if visit_id not in courses]
            with self.redis.pipeline(transaction=True) as pipe:
                for chunk in _chunks(records):
                    pipe.hset(records_at, mapping=chunk)
                if withdrawn:
                    pipe.hdel(records_at, *withdrawn)
                if courses:
                    pipe.hset(providers_at, org, orjson.dumps(courses).decode())
                else:
                    pipe.hdel(providers_at, org)
                pipe.execute()

    def rebuilt(self, documents: Iterable[Mapping[str, Any]]) -> None:
        """After a rebuild: exactly the visits of ``documents``, swapped in at once."""
        live = (records_key(self.index_uid), providers_key(self.index_uid))
        build = tuple(f"{key}:build" for key in live)
        self.redis.delete(*build)
        providers: dict[str, dict[str, str]] = {}
        records: dict[str, bytes] = {}
        for document in documents:
            found = visit_records(document)
            records.update(found)
            providers.setdefault(document["providerOrgNumber"], {}).update(
                dict.fromkeys(found, document["id"]))
        contents = (records, {org: orjson.dumps(v) for org, v in providers.items() if v})
        with self.redis.pipeline(transaction=False) as pipe:
            for key, content in zip(build, contents, strict=True):
                for chunk in _chunks(content):
                    pipe.hset(key, mapping=chunk)
            pipe.execute()
        with self.redis.pipeline(transaction=True) as pipe:
            for built, target, content in zip(build, live, contents, strict=True):
                pipe.delete(target)
                if content:
                    pipe.rename(built, target)
            pipe.execute()


def _chunks(mapping: Mapping[str, bytes]) -> Iterable[dict[str, bytes]]:
    items = list(mapping.items())
    for start in range(0, len(items), WRITE_CHUNK):
        yield dict(items[start:start + WRITE_CHUNK])
