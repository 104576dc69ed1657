"""Unanswered registrations (:mod:`core.visits.closing`): the minute sweep and its emails.

Each email job takes one registration id and sends only while the state still calls for
it: a provider who answered in the meantime gets no reminder.
"""

from __future__ import annotations

import time
from typing import Any

from core.settings import Settings
from core.visits.closing import ClosingSweeper, summary
from core.visits.dispatch import Job
from core.visits.models import Registration, RegistrationStatus
from workers.delivery import deliver
from workers.emails import MailKind
from workers.waitlist_jobs import current_visit


def _provider_reminder(registration: Registration) -> MailKind | None:
    upcoming = registration.visit.start_ts > time.time()
    if registration.status is RegistrationStatus.PENDING and upcoming:
        return MailKind.PROVIDER_REMINDER
    return None


def _expired(registration: Registration) -> MailKind | None:
    if registration.status is RegistrationStatus.EXPIRED:
        return MailKind.REGISTRATION_EXPIRED
    return None


async def send_provider_pending_reminder(ctx: dict[str, Any], registration_id: str) -> str:
    """Remind the course contact of a registration still unanswered after
    ``PENDING_REMINDER_HOURS``."""
    return await deliver(ctx, Job.PROVIDER_PENDING_REMINDER, registration_id,
                         _provider_reminder)


async def send_provider_eve_reminder(ctx: dict[str, Any], registration_id: str) -> str:
    """Remind the course contact, the day before the visit, of an unanswered registration."""
    return await deliver(ctx, Job.PROVIDER_EVE_REMINDER, registration_id, _provider_reminder)


async def send_expired_notice(ctx: dict[str, Any], registration_id: str) -> str:
    """Tell the jobseeker that the provider never answered and the registration expired."""
    return await deliver(ctx, Job.EXPIRED_NOTICE, registration_id, _expired)


async def sweep_unanswered(ctx: dict[str, Any], now: int | None = None) -> str:
    """Cron, every minute: owe the reminders that are due and expire registrations still
    PENDING at the visit's start (``now``: the time to act as of; tests pass one)."""
    settings: Settings = ctx["settings"]
    at = int(time.time()) if now is None else now

    async def offer_freed_seat(visit_id: str) -> None:
        visit = await current_visit(ctx, visit_id)
        if visit is not None:
            await ctx["waitlist"].seat_freed(visit, at, ctx["redis"])

    sweeper = ClosingSweeper(ctx["redis"], ctx["store"], settings.pending_reminder_hours,
                             offer_freed_seat)
    return summary(await sweeper.sweep(at))


CLOSING_EMAIL_JOBS = {
    Job.PROVIDER_PENDING_REMINDER: send_provider_pending_reminder,
    Job.PROVIDER_EVE_REMINDER: send_provider_eve_reminder,
    Job.EXPIRED_NOTICE: send_expired_notice,
}
