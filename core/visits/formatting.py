"""Visit times in words, in Swedish time, for emails and pages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core.visits.models import Language, Visit

TIMEZONE = ZoneInfo("Europe/Stockholm")
_MONTHS = {
    Language.SV: ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
                  "september", "oktober", "november", "december"],
    Language.EN: ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"],
}
_DAYS = {
    Language.SV: ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"],
    Language.EN: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}


def visit_when(visit: Visit, lang: Language) -> str:
    """E.g. "tisdag 8 december 2026 kl. 10:00–11:30"."""
    start = datetime.fromtimestamp(visit.start_ts, TIMEZONE)
    end = datetime.fromtimestamp(visit.end_ts, TIMEZONE)
    day, month = _DAYS[lang][start.weekday()], _MONTHS[lang][start.month - 1]
    hours = f"{start:%H:%M}–{end:%H:%M}"
    if lang is Language.SV:
        return f"{day} {start.day} {month} {start.year} kl. {hours}"
    return f"{day} {start.day} {month} {start.year}, {hours}"


def visit_date(visit: Visit, lang: Language) -> str:
    """E.g. "8 december"."""
    start = datetime.fromtimestamp(visit.start_ts, TIMEZONE)
    return f"{start.day} {_MONTHS[lang][start.month - 1]}"


def moment(timestamp: int, lang: Language) -> str:
    """E.g. "1 december kl. 14:05" (a registration's or a closing time)."""
    at = datetime.fromtimestamp(timestamp, TIMEZONE)
    month = _MONTHS[lang][at.month - 1]
    if lang is Language.SV:
        return f"{at.day} {month} kl. {at:%H:%M}"
    return f"{at.day} {month}, {at:%H:%M}"


def moment_when(ts: int, lang: Language) -> str:
    """:func:`moment` with its weekday, e.g. "tisdag 8 december kl. 10:00" (an offer's
    expiry)."""
    return f"{_DAYS[lang][datetime.fromtimestamp(ts, TIMEZONE).weekday()]} {moment(ts, lang)}"
