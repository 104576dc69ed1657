"""The provider's notice that an active registration was erased by the jobseeker.

The provider still expects the person, so they are told that the registration with
reference N for the visit at T was withdrawn. After the erasure there is no personal
data left to tell it with, and none is kept for it: the notice is a registration-shaped
record of its own (id ``{registration id}.withdrawn``) holding only the visit and the
provider's contact, written by the erasure's own script so that the erasure and the
notice owed happen together or not at all. It expires when the registration would have.
"""

from __future__ import annotations

import dataclasses

from core.visits.codec import encode_registration
from core.visits.models import CancelReason, Registration, RegistrationStatus

SUFFIX = ".withdrawn"


def notice_id(registration_id: str) -> str:
    return registration_id + SUFFIX


def registration_id_of(record_id: str) -> str:
    """The erased registration's id (its short reference is derived from it)."""
    return record_id.removesuffix(SUFFIX)


def owes_notice(registration: Registration, provider_job: str) -> bool:
    """Active, and the provider had been sent the registration."""
    return registration.status.active and registration.mail_handed_over(provider_job)


def notice_record(registration: Registration, now: int) -> dict[str, str]:
    """The notice's fields: the visit and contact, the jobseeker's details blanked."""
    blank = dataclasses.replace(
        registration, id=notice_id(registration.id), name="", email="", phone=None,
        status=RegistrationStatus.CANCELLED, cancel_reason=CancelReason.ERASED,
        cancelled_at=now, updated_at=now, mail_states={}, mail_failures={})
    fields = encode_registration(blank, email_hash="")
    fields.update(cancelledAt=str(now), cancelReason=CancelReason.ERASED.value)
    return fields
