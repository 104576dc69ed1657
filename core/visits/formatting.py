"""Visit times in words, in the time zone of the course's country, for emails and pages.

Each language writes dates its own way: Swedish "tisdag 8 december 2026 kl. 10:00",
Danish "tirsdag den 8. december 2026 kl. 10.00", Norwegian (Bokmål) "tirsdag 8. desember
2026 kl. 10.00" (both with a full stop between hours and minutes, as their language
councils recommend), English "Tuesday 8 December 2026, 10:00".
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core.nordic_reference import Country
from core.visits.models import Language, Visit

TIMEZONE = ZoneInfo("Europe/Stockholm")
"""The service's own zone: its scheduled jobs, and the mails about no single visit."""

ZONES = {
    Country.SE: TIMEZONE,
    Country.DK: ZoneInfo("Europe/Copenhagen"),
    Country.NO: ZoneInfo("Europe/Oslo"),
}
_MONTHS = {
    Language.SV: ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
                  "september", "oktober", "november", "december"],
    Language.EN: ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"],
    Language.DA: ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
                  "september", "oktober", "november", "december"],
    Language.NB: ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
                  "september", "oktober", "november", "desember"],
}
_DAYS = {
    Language.SV: ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"],
    Language.EN: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    Language.DA: ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"],
    Language.NB: ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"],
}


def zone_of(visit: Visit) -> ZoneInfo:
    """The time zone of the visit's country."""
    return ZONES[visit.country]


def _clock(at: datetime, lang: Language) -> str:
    """"10:00" (Swedish, English) or "10.00" (Danish, Norwegian)."""
    separator = "." if lang in (Language.DA, Language.NB) else ":"
    return f"{at:%H}{separator}{at:%M}"


def _date(at: datetime, lang: Language, weekday: bool, year: bool) -> str:
    """E.g. "tisdag 8 december 2026", "tirsdag den 8. december", "8. desember"."""
    month = _MONTHS[lang][at.month - 1]
    day = f"{at.day}." if lang in (Language.DA, Language.NB) else str(at.day)
    text = f"{day} {month}" + (f" {at.year}" if year else "")
    if not weekday:
        return text
    name = _DAYS[lang][at.weekday()]
    return f"{name} den {text}" if lang is Language.DA else f"{name} {text}"


def _at(day: str, clock: str, lang: Language) -> str:
    return f"{day}, {clock}" if lang is Language.EN else f"{day} kl. {clock}"


def visit_when(visit: Visit, lang: Language) -> str:
    """E.g. "tisdag 8 december 2026 kl. 10:00–11:30" (in the visit's country's zone)."""
    zone = zone_of(visit)
    start = datetime.fromtimestamp(visit.start_ts, zone)
    end = datetime.fromtimestamp(visit.end_ts, zone)
    hours = f"{_clock(start, lang)}–{_clock(end, lang)}"
    return _at(_date(start, lang, weekday=True, year=True), hours, lang)


def visit_date(visit: Visit, lang: Language) -> str:
    """E.g. "8 december", "8. december"."""
    return _date(datetime.fromtimestamp(visit.start_ts, zone_of(visit)), lang,
                 weekday=False, year=False)


def moment(timestamp: int, lang: Language, zone: ZoneInfo) -> str:
    """E.g. "1 december kl. 14:05" (a registration's or a closing time)."""
    at = datetime.fromtimestamp(timestamp, zone)
    return _at(_date(at, lang, weekday=False, year=False), _clock(at, lang), lang)


def moment_when(timestamp: int, lang: Language, zone: ZoneInfo) -> str:
    """:func:`moment` with its weekday, e.g. "tisdag 8 december kl. 10:00" (an offer's
    expiry)."""
    at = datetime.fromtimestamp(timestamp, zone)
    return _at(_date(at, lang, weekday=True, year=False), _clock(at, lang), lang)


def numeric_time(timestamp: int, zone: ZoneInfo) -> str:
    """E.g. "2026-12-01 14:05" (lists and CSV files)."""
    return datetime.fromtimestamp(timestamp, zone).strftime("%Y-%m-%d %H:%M")
