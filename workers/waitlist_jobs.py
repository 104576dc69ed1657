"""The waitlist's jobs: the offer email, and the sweep that passes lapsed offers on.

The sweep (a cron, every minute; idempotent) cancels each offer unclaimed at its expiry
and then offers the free seats of every visit with a line (:mod:`core.visits.waitlist`):
the lapsed seats, seats a feed load added by raising a visit's capacity, and any seat
whose freeing process died before it offered it.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx
from arq.connections import ArqRedis

from core.errors import ServiceUnavailable
from core.settings import Settings
from core.visits.catalog import find_visit
from core.visits.dispatch import Job
from core.visits.models import Registration, RegistrationStatus, Visit
from core.visits.visit_records import find_visit_record
from core.visits.waitlist import Waitlist, claim_closes_at
from workers.delivery import deliver
from workers.emails import MailKind

logger = logging.getLogger("workers.waitlist")

BATCH = 500


def _offer(registration: Registration) -> MailKind | None:
    if registration.status is RegistrationStatus.OFFERED:
        return MailKind.WAITLIST_OFFER
    return None


async def send_waitlist_offer(ctx: dict[str, Any], registration_id: str) -> str:
    """Offer the jobseeker first in line the freed seat, with the claim link."""
    return await deliver(ctx, Job.WAITLIST_OFFER, registration_id, _offer)


async def current_visit(ctx: dict[str, Any], visit_id: str) -> Visit | None:
    """The visit as the last feed load left it (its record, else the index)."""
    settings: Settings = ctx["settings"]
    meili: httpx.AsyncClient = ctx["meili"]
    found = await find_visit_record(ctx["redis"], settings.meili_index, visit_id)
    if found is not None:
        return found
    try:
        return await find_visit(meili, settings.meili_index, visit_id)
    except ServiceUnavailable:
        return None  # the next sweep tries again


async def sweep_waitlists(ctx: dict[str, Any]) -> str:
    """Cron: pass lapsed offers on and offer every free seat to the first in line."""
    waitlist: Waitlist = ctx["waitlist"]
    queue: ArqRedis = ctx["redis"]
    now = int(time.time())
    lapsed = 0
    for registration_id, visit_id in await waitlist.lapsed_offers(now, BATCH):  # the rest: next run
        if await waitlist.lapse(registration_id, visit_id or "", now):
            lapsed += 1
    offered = 0
    for visit_id in await waitlist.visits_waiting():
        visit = await current_visit(ctx, visit_id)
        if visit is not None and claim_closes_at(visit, ctx["settings"]) <= now:
            await waitlist.closed(visit_id)
        elif visit is not None:
            offered += len(await waitlist.seat_freed(visit, now, queue))
    if lapsed or offered:
        logger.info("sweep_waitlists: %d offers lapsed, %d seats offered", lapsed, offered)
    return f"lapsed {lapsed}, offered {offered}"
