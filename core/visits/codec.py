"""The registration hash's fields: to and from flat strings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from core.visits.models import (
    Address,
    CancelReason,
    DeclineReason,
    Language,
    Registration,
    RegistrationStatus,
    Visit,
    country_of,
)

MAIL_MARKER_PREFIX = "mail:"
MAIL_FAILURE_PREFIX = "mailFailure:"


def encode_registration(registration: Registration, email_hash: str) -> dict[str, str]:
    """The hash fields of a new registration (the visit is kept as it was registered)."""
    visit = registration.visit
    fields = {
        "id": registration.id,
        "status": registration.status.value,
        "name": registration.name,
        "email": registration.email,
        "phone": registration.phone or "",
        "language": registration.language.value,
        "emailHash": email_hash,
        "consentAt": str(registration.created_at),
        "createdAt": str(registration.created_at),
        "updatedAt": str(registration.updated_at),
        "expiresAt": str(registration.expires_at),
        "visitId": visit.id,
        "providerVisitId": visit.visit_id,
        "courseId": visit.course_id,
        "courseTitle": visit.course_title,
        "courseTitleEn": visit.course_title_en or "",
        "providerName": visit.provider_name,
        "municipalityName": visit.municipality_name,
        "start": visit.start,
        "startTs": str(visit.start_ts),
        "durationMinutes": str(visit.duration_minutes),
        "capacity": str(visit.capacity),
        "street": visit.address.street,
        "postalCode": visit.address.postal_code,
        "city": visit.address.city,
        "contactName": visit.contact_name,
        "contactEmail": visit.contact_email,
        "contactPhone": visit.contact_phone or "",
        "closesHoursBefore": _optional_text(visit.registration_closes_hours_before),
        "occupationCode": visit.occupation_code or "",
        "country": visit.country.value,
    }
    return fields


def _optional_int(value: str | None) -> int | None:
    return int(value) if value else None


def _optional_text(value: int | None) -> str:
    return "" if value is None else str(value)
def _previous_visit(visit: Visit, fields: Mapping[str, str]) -> Visit | None:
    """The visit as it was before its latest reschedule (``previous*`` fields)."""
    if not fields.get("previousStartTs"):
        return None
    return replace(
        visit,
        start_ts=int(fields["previousStartTs"]),
        duration_minutes=int(fields["previousDurationMinutes"]),
        address=Address(fields["previousStreet"], fields["previousPostalCode"],
                        fields["previousCity"]),
    )


def decode_hash(fields: Mapping[str, str]) -> Registration:
    visit = Visit(
        id=fields["visitId"],
        visit_id=fields["providerVisitId"],
        course_id=fields["courseId"],
        course_title=fields["courseTitle"],
        course_title_en=fields.get("courseTitleEn") or None,
        provider_name=fields["providerName"],
        municipality_name=fields["municipalityName"],
        start=fields["start"],
        start_ts=int(fields["startTs"]),
        duration_minutes=int(fields["durationMinutes"]),
        capacity=int(fields["capacity"]),
        address=Address(fields["street"], fields["postalCode"], fields["city"]),
        contact_name=fields["contactName"],
        contact_email=fields["contactEmail"],
        contact_phone=fields.get("contactPhone") or None,
        registration_closes_hours_before=_optional_int(fields.get("closesHoursBefore")),
        occupation_code=fields.get("occupationCode") or None,
        country=country_of(fields.get("country")),
    )
    reason = fields.get("cancelReason")
    declined = fields.get("declineReason")
    return Registration(
        id=fields["id"],
        status=RegistrationStatus(fields["status"]),
        visit=visit,
        name=fields["name"],
        email=fields["email"],
        phone=fields.get("phone") or None,
        language=Language(fields["language"]),
        created_at=int(fields["createdAt"]),
        updated_at=int(fields["updatedAt"]),
        expires_at=int(fields["expiresAt"]),
        decided_at=_optional_int(fields.get("decidedAt")),
        cancelled_at=_optional_int(fields.get("cancelledAt")),
        cancel_reason=CancelReason(reason) if reason else None,
        waitlist_position=_optional_int(fields.get("waitlistPosition")),
        offer_expires_at=_optional_int(fields.get("offerExpiresAt")),
        claimed_at=_optional_int(fields.get("claimedAt")),
        decline_reason=DeclineReason(declined) if declined else None,
        ics_sequence=int(fields.get("icsSequence") or 0),
        previous_visit=_previous_visit(visit, fields),
        mail_failures={
            name.removeprefix(MAIL_FAILURE_PREFIX): value
            for name, value in fields.items()
            if name.startswith(MAIL_FAILURE_PREFIX)
        },
        mail_states={
            name.removeprefix(MAIL_MARKER_PREFIX): value.split(":", 1)[0]
            for name, value in fields.items()
            if name.startswith(MAIL_MARKER_PREFIX)
        },
    )
