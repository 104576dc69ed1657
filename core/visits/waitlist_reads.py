"""Reads of the waitlists (:mod:`core.visits.waitlist`): lengths and places in line, each
in one round trip (``ServiceUnavailable`` when Redis does not answer)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.outages import registrations_call
from core.visits import keys


@registrations_call
async def waitlist_lengths(redis: Any, visit_ids: Sequence[str]) -> dict[str, int]:
    """How many wait for a seat, per visit, in one round trip."""
    if not visit_ids:
        return {}
    async with redis.pipeline(transaction=False) as pipe:
        for visit_id in visit_ids:
            pipe.zcard(keys.waitlist(visit_id))
        counts = await pipe.execute()
    return {visit_id: int(count) for visit_id, count in zip(visit_ids, counts, strict=True)}


@registrations_call
async def waitlist_positions(redis: Any, registrations: Sequence[tuple[str, str]]
                             ) -> list[int | None]:
    """The place in line (1 = next) of each (registration id, visit id); ``None`` for one
    not waiting."""
    if not registrations:
        return []
    async with redis.pipeline(transaction=False) as pipe:
        for registration_id, visit_id in registrations:
            pipe.zrank(keys.waitlist(visit_id), registration_id)
        ranks = await pipe.execute()
    return [None if rank is None else int(rank) + 1 for rank in ranks]
