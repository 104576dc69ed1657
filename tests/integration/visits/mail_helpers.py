"""Reading what the SMTP sink received: links, parts, the calendar attachment."""

from __future__ import annotations

import re
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

from devstack.mailsink import ReceivedMessage

LINK = re.compile(r"https?://[^\s<>\"']+")


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    content: str = part.get_content()  # type: ignore[attr-defined]
    return content


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    content: str = part.get_content()  # type: ignore[attr-defined]
    return content


def links(message: EmailMessage) -> dict[str, str]:
    """The message's links by path: /visits/decision (first: confirm), /visits/cancel, ..."""
    found: dict[str, list[str]] = {}
    for url in LINK.findall(text_of(message)):
        found.setdefault(urlsplit(url).path, []).append(url)
    return {path: urls[0] for path, urls in found.items()} | {
        f"{path}#{i}": url for path, urls in found.items() for i, url in enumerate(urls)}


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


def calendar_of(message: EmailMessage) -> bytes | None:
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload
    return None


def to(messages: list[ReceivedMessage], address: str) -> list[ReceivedMessage]:
    return [m for m in messages if address in m.recipients]


def validate_ics(data: bytes) -> dict[str, str]:
    """Check an iCalendar object against RFC 5545's rules that matter to clients, and
    return the event's properties (name → unescaped value; parameters dropped, but the
    start's ``TZID`` is returned as ``TZID``).

    CRLF line ends, lines of at most 75 octets, valid folding, balanced components,
    the required properties, a UTC stamp, and start and end either in UTC or local
    times of one zone whose ``VTIMEZONE`` the calendar carries.
    """
    assert data.endswith(b"\r\n"), "must end with CRLF"
    raw_lines = data[:-2].split(b"\r\n")
    for line in raw_lines:
        assert b"\n" not in line and b"\r" not in line, "bare CR or LF"
        assert len(line) <= 75, f"line longer than 75 octets: {line!r}"
    unfolded: list[str] = []
    for line in raw_lines:
        if line.startswith(b" "):
            assert unfolded, "continuation before any line"
            unfolded[-1] += line[1:].decode()
        else:
            unfolded.append(line.decode())
    stack: list[str] = []
    event: dict[str, str] = {}
    calendar: dict[str, str] = {}
    zones: set[str] = set()
    for line in unfolded:
        name_part, sep, value = line.partition(":")
        assert sep, f"no value: {line!r}"
        name = name_part.split(";")[0].upper()
        if name == "BEGIN":
            stack.append(value)
            continue
        if name == "END":
            assert stack and stack.pop() == value, f"unbalanced END:{value}"
            continue
        if stack[-1:] == ["VTIMEZONE"] and name == "TZID":
            zones.add(value)
        if stack[-1:] == ["VEVENT"] and name in ("DTSTART", "DTEND"):
            params = dict(p.partition("=")[::2] for p in name_part.split(";")[1:])
            event[f"{name}_TZID"] = params.get("TZID", "")
        target = event if stack[-1:] == ["VEVENT"] else calendar
        target[name] = (value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")
                        .replace("\\\\", "\\"))
    assert not stack, f"unclosed {stack}"
    assert calendar.get("VERSION") == "2.0" and "PRODID" in calendar
    for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
        assert required in event, f"missing {required}"
    assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"]), "DTSTAMP not UTC"
    zone = event.pop("DTSTART_TZID")
    assert event.pop("DTEND_TZID") == zone, "start and end in different zones"
    for stamp in ("DTSTART", "DTEND"):
        if zone:
            assert zone in zones, f"no VTIMEZONE for {zone}"
            assert re.fullmatch(r"\d{8}T\d{6}", event[stamp]), f"{stamp} not local"
        else:
            assert re.fullmatch(r"\d{8}T\d{6}Z", event[stamp]), f"{stamp} not UTC"
    assert event["DTEND"] > event["DTSTART"]
    event["TZID"] = zone
    event["METHOD"] = calendar.get("METHOD", "")
    return event
