"""The email jobs. Each takes one registration id and nothing else.

Each picks the email the registration's current state calls for (or none: a
jobseeker who cancelled before the provider was told needs no provider email).
"""

from __future__ import annotations

import time
from typing import Any

from core.visits.dispatch import Job
from core.visits.models import CancelReason, Registration, RegistrationStatus
from workers.delivery import deliver
from workers.emails import MailKind
from workers.waitlist_jobs import send_waitlist_offer


def _provider_notification(registration: Registration) -> MailKind | None:
    if registration.status is RegistrationStatus.PENDING:
        return MailKind.PROVIDER_NOTIFICATION
    return None


def _receipt(registration: Registration) -> MailKind | None:
    if registration.status.on_waitlist:
        return MailKind.WAITLIST_RECEIPT
    return MailKind.JOBSEEKER_RECEIPT if registration.status.active else None


def _decision(registration: Registration) -> MailKind | None:
    if registration.status is RegistrationStatus.CONFIRMED:
        return MailKind.DECISION_CONFIRMED
    if registration.status is RegistrationStatus.DECLINED:
        return MailKind.DECISION_DECLINED
    return None


def _visit_cancelled(registration: Registration) -> MailKind | None:
    if (registration.status is RegistrationStatus.CANCELLED
            and registration.cancel_reason in (CancelReason.VISIT_REMOVED,
                                               CancelReason.PROVIDER)):
        return MailKind.VISIT_CANCELLED
    return None


def _provider_cancellation(registration: Registration) -> MailKind | None:
    told = registration.mail_handed_over(Job.PROVIDER_NOTIFICATION.value)
    if (registration.status is RegistrationStatus.CANCELLED
            and registration.cancel_reason is CancelReason.JOBSEEKER and told):
        return MailKind.PROVIDER_CANCELLATION
    return None


def _cancellation_receipt(registration: Registration) -> MailKind | None:
    if (registration.status is RegistrationStatus.CANCELLED
            and registration.cancel_reason is CancelReason.JOBSEEKER):
        return MailKind.CANCELLATION_RECEIPT
    return None


def _provider_withdrawal(registration: Registration) -> MailKind | None:
    if registration.cancel_reason is CancelReason.ERASED:
        return MailKind.PROVIDER_WITHDRAWAL
    return None


def _rescheduled(registration: Registration) -> MailKind | None:
    if registration.previous_visit is None:
        return None
    if registration.status is RegistrationStatus.CONFIRMED:
        return MailKind.VISIT_RESCHEDULED
    if registration.status is RegistrationStatus.PENDING:
        return MailKind.VISIT_RESCHEDULED_PENDING
    return None


def _reminder(registration: Registration) -> MailKind | None:
    upcoming = registration.visit.start_ts > time.time()
    if registration.status is RegistrationStatus.CONFIRMED and upcoming:
        return MailKind.REMINDER
    return None


async def send_provider_notification(ctx: dict[str, Any], registration_id: str) -> str:
    """Email the course contact the jobseeker's details with confirm and decline links."""
    return await deliver(ctx, Job.PROVIDER_NOTIFICATION, registration_id, _provider_notification)


async def send_jobseeker_receipt(ctx: dict[str, Any], registration_id: str) -> str:
    """Tell the jobseeker the request went to the provider (with cancel and erase links),
    or that they are on the waitlist, with their place in line."""
    return await deliver(ctx, Job.JOBSEEKER_RECEIPT, registration_id, _receipt)


async def send_decision(ctx: dict[str, Any], registration_id: str) -> str:
    """Tell the jobseeker the provider's answer; a confirmation carries an .ics invitation."""
    return await deliver(ctx, Job.DECISION, registration_id, _decision)


async def send_visit_cancelled(ctx: dict[str, Any], registration_id: str) -> str:
    """Tell the jobseeker the visit was removed from the feed and the registration cancelled."""
    return await deliver(ctx, Job.VISIT_CANCELLED, registration_id, _visit_cancelled)


async def send_provider_cancellation(ctx: dict[str, Any], registration_id: str) -> str:
    """Tell the course contact that the jobseeker cancelled (if they had been told of them)."""
    return await deliver(ctx, Job.PROVIDER_CANCELLATION, registration_id,
                         _provider_cancellation)


async def send_reminder_email(ctx: dict[str, Any], registration_id: str) -> str:
    """Remind the jobseeker of a confirmed visit (enqueued by the ``send_due_reminders``
    cron when it is due, :mod:`core.visits.reminders`)."""
    return await deliver(ctx, Job.REMINDER, registration_id, _reminder)


async def send_cancellation_receipt(ctx: dict[str, Any], registration_id: str) -> str:
    """Confirm the jobseeker's own cancellation; a confirmed visit's receipt carries the
    calendar cancellation (same UID, higher SEQUENCE)."""
    return await deliver(ctx, Job.CANCELLATION_RECEIPT, registration_id, _cancellation_receipt)


async def send_provider_withdrawal(ctx: dict[str, Any], record_id: str) -> str:
    """Tell the course contact that an active registration was erased (its short
    reference and the visit only: the record ``record_id`` holds no personal data)."""
    return await deliver(ctx, Job.PROVIDER_WITHDRAWAL, record_id, _provider_withdrawal)


async def send_visit_rescheduled(ctx: dict[str, Any], registration_id: str) -> str:
    """Tell the jobseeker the visit moved: a confirmed one gets the updated invitation
    (same UID, higher SEQUENCE), a pending one a short notice (:mod:`core.visits.reschedule`)."""
    return await deliver(ctx, Job.VISIT_RESCHEDULED, registration_id, _rescheduled)


EMAIL_JOBS = {
    Job.PROVIDER_NOTIFICATION: send_provider_notification,
    Job.JOBSEEKER_RECEIPT: send_jobseeker_receipt,
    Job.DECISION: send_decision,
    Job.VISIT_CANCELLED: send_visit_cancelled,
    Job.PROVIDER_CANCELLATION: send_provider_cancellation,
    Job.REMINDER: send_reminder_email,
    Job.CANCELLATION_RECEIPT: send_cancellation_receipt,
    Job.PROVIDER_WITHDRAWAL: send_provider_withdrawal,
    Job.WAITLIST_OFFER: send_waitlist_offer,
    Job.VISIT_RESCHEDULED: send_visit_rescheduled,
}
