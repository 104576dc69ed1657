"""Seats of study visits in Redis.

``studyvisit:{visit_id}:active`` is the set of the visit's active registration ids
(status PENDING or CONFIRMED); its size is the number of seats taken.
"""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis

from core.outages import registrations_call


def active_registrations_key(visit_id: str) -> str:
    return f"studyvisit:{visit_id}:active"


@registrations_call
async def seats_taken(redis: Redis, visit_ids: Sequence[str]) -> dict[str, int]:
    """Seats taken per visit, in one round trip (``ServiceUnavailable`` when Redis does
    not answer)."""
    if not visit_ids:
        return {}
    async with redis.pipeline(transaction=False) as pipe:
        for visit_id in visit_ids:
            pipe.scard(active_registrations_key(visit_id))
        counts = await pipe.execute()
    return {visit_id: int(count) for visit_id, count in zip(visit_ids, counts, strict=True)}
