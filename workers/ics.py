"""iCalendar (RFC 5545) invitations for confirmed visits, and their cancellations."""

from __future__ import annotations

from datetime import UTC, datetime

from core.visits.models import Registration

PRODID = "-//Studiebesok//Study visits//SV"


def _escape(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11); other control characters become spaces."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))
    return "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in text)


def _param(value: str) -> str:
    """A quoted parameter value (no quotes, no control characters inside)."""
    return '"' + "".join(c for c in value if c != '"' and ord(c) >= 32 and ord(c) != 127) + '"'


def _utc(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space (never splitting a
    UTF-8 character)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def invitation(registration: Registration, domain: str, organizer_email: str,
               cancelled: bool = False, now: int | None = None) -> bytes:
    """A one-event calendar: ``METHOD:REQUEST``, or ``METHOD:CANCEL`` when cancelled.

    The UID is stable per registration so a cancellation replaces the invitation.
    """
    visit = registration.visit
    stamp = _utc(int(datetime.now(UTC).timestamp()) if now is None else now)
    title = visit.title(registration.language)
    summary = ("Studiebesök: " if registration.language.value == "sv" else "Study visit: ")
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'REQUEST'}",
        "BEGIN:VEVENT",
        f"UID:studyvisit-{registration.id}@{domain}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{_utc(visit.start_ts)}",
        f"DTEND:{_utc(visit.end_ts)}",
        f"SEQUENCE:{1 if cancelled else 0}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        f"SUMMARY:{_escape(summary + title)}",
        f"LOCATION:{_escape(visit.address.one_line())}",
        f"DESCRIPTION:{_escape(f'{visit.provider_name} – {title}')}",
        f"ORGANIZER;CN={_param(visit.provider_name)}:mailto:{organizer_email}",
        f"ATTENDEE;CN={_param(registration.name)};ROLE=REQ-PARTICIPANT;"
        f"PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:{registration.email}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode()
