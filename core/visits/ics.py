"""iCalendar (RFC 5545 / iTIP RFC 5546) invitations for confirmed visits, and their
cancellations, built with the ``icalendar`` library (escaping, folding, time zones).

The visit's start and end are local times with the ``TZID`` of the course's country
(Europe/Stockholm, Europe/Copenhagen, Europe/Oslo), and the calendar carries that zone's
``VTIMEZONE`` (its rules for the years around the visit), so a client shows the time as
the provider set it; the stamp is UTC. The summary is in the registration's language.

The UID is stable per registration, so a later message with a higher ``SEQUENCE``
(a cancellation, an updated time) replaces the event in the jobseeker's calendar. The
organizer is the course contact; the mail comes from the service's address, which the
``SENT-BY`` parameter names so that clients accept the update. The same event, as a file
to import (``METHOD:PUBLISH``), is what "my study visits" offers for download.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import parseaddr

from icalendar import Calendar, Event, vCalAddress

from core.visits.formatting import zone_of
from core.visits.models import Language, Registration, RegistrationStatus

PRODID = "-//Studiebesok//Study visits//SV"
SUMMARY = {Language.SV: "Studiebesök: ", Language.EN: "Study visit: ",
           Language.DA: "Studiebesøg: ", Language.NB: "Studiebesøk: "}


def _param(value: str) -> str:
    """A parameter value: no double quotes and no control characters (a parameter has
    no escaping of its own, so a CR/LF or quote could otherwise end it)."""
    return "".join(c for c in value if c != '"' and ord(c) >= 32 and ord(c) != 127).strip()


def _utc(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = _param(name)
    for key, value in params.items():
        address.params[key.replace("_", "-").upper()] = value
    return address


def domain_of(mail_from: str) -> str:
    """The UID's domain: that of the service's sender address (``MAIL_FROM``)."""
    return parseaddr(mail_from)[1].rpartition("@")[2]


def download(registration: Registration, domain: str) -> bytes:
    """The registration's event as a file to import (``METHOD:PUBLISH``, same UID as the
    emailed invitation); ``STATUS:TENTATIVE`` while the provider has not confirmed it."""
    return invitation(registration, domain, registration.visit.contact_email,
                      method="PUBLISH", status=(
                          "CONFIRMED" if registration.status is RegistrationStatus.CONFIRMED
                          else "TENTATIVE"))


def invitation(registration: Registration, domain: str, organizer_email: str,
               cancelled: bool = False, now: int | None = None, sequence: int | None = None,
               sent_by: str | None = None, method: str | None = None,
               status: str | None = None) -> bytes:
    """A one-event calendar: ``METHOD:REQUEST``, or ``METHOD:CANCEL`` when cancelled.

    ``sequence`` defaults to 0 for an invitation and 1 for its cancellation; ``sent_by``
    is the address the mail comes from, when it is not the organizer's; ``method`` and
    ``status`` replace the defaults (:func:`download`).
    """
    visit = registration.visit
    title = visit.title(registration.language)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method or ("CANCEL" if cancelled else "REQUEST"))
    event = Event()
    event.add("uid", f"studyvisit-{registration.id}@{domain}")
    event.add("dtstamp", _utc(int(datetime.now(UTC).timestamp()) if now is None else now))
    zone = zone_of(visit)
    start = datetime.fromtimestamp(visit.start_ts, zone)
    event.add("dtstart", start)
    event.add("dtend", datetime.fromtimestamp(visit.end_ts, zone))
    event.add("sequence", (1 if cancelled else 0) if sequence is None else sequence)
    event.add("status", status or ("CANCELLED" if cancelled else "CONFIRMED"))
    event.add("summary", SUMMARY[registration.language] + title)
    event.add("location", visit.address.one_line())
    event.add("description", f"{visit.provider_name} – {title}")
    organizer_params = {} if sent_by in (None, organizer_email) else {
        "sent_by": f"mailto:{sent_by}"}
    event.add("organizer", _address(organizer_email, visit.provider_name, **organizer_params))
    event.add("attendee", _address(registration.email, registration.name,
                                   role="REQ-PARTICIPANT", partstat="ACCEPTED", rsvp="FALSE"))
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    calendar.add_missing_timezones(first_date=date(start.year - 1, 1, 1),
                                   last_date=date(start.year + 2, 1, 1))
    data: bytes = calendar.to_ical()
    return data
