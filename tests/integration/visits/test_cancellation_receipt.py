"""The jobseeker's own cancellation: a receipt, and for a confirmed visit the calendar
cancellation of the invitation (same UID, SEQUENCE raised), through the real API, arq
worker and SMTP sink. Every email shows the registration's short reference."""

from __future__ import annotations

import httpx
from icalendar import Calendar

from core.settings import Settings
from core.visits.short_reference import short_reference
from devstack.mailsink import MailSink
from tests.integration.visits.conftest import VisitIndex, register, registration_input
from tests.integration.visits.mail_helpers import calendar_of, links, text_of, to, token_of
from tests.live_app import run_worker

PROVIDER = "olle@utbildning.example"


def _event(data: bytes | None) -> tuple[str, object]:
    assert data is not None
    calendar = Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), event


async def _registered(client: httpx.AsyncClient, api: str, visit_id: str, email: str) -> str:
    payload = await register(client, api, registration_input(visit_id, email, language="EN"))
    assert payload["errors"] == []
    registration_id: str = payload["registration"]["id"]
    return registration_id


async def test_cancelling_a_confirmed_visit_sends_a_receipt_with_the_calendar_cancel(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink
) -> None:
    jobseeker = "cancel.confirmed@example.se"
    async with httpx.AsyncClient(timeout=10) as client:
        registration_id = await _registered(client, api, visit_index.roomy, jobseeker)
        await run_worker(vsettings)
        (notification,) = [m for m in to(smtp_sink.messages, PROVIDER)
                           if registration_id in str(m.message["Message-ID"])]
        reference = short_reference(registration_id)
        assert f"Referens: {reference}" in text_of(notification.message)
        confirm = links(notification.message)["/visits/decision#0"]
        answer = await client.post(f"{api}/visits/decision", data={"token": token_of(confirm)})
        assert answer.status_code == 200
        await run_worker(vsettings)
        confirmation = to(smtp_sink.messages, jobseeker)[-1].message
        method, invited = _event(calendar_of(confirmation))
        assert method == "REQUEST"

        cancel = links(confirmation)["/visits/cancel"]
        done = await client.post(f"{api}/visits/cancel",
                                 data={"token": token_of(cancel), "lang": "en"})
        assert done.status_code == 200
        await run_worker(vsettings)
        mails = to(smtp_sink.messages, jobseeker)
        assert [m.message["Subject"].split(":")[0] for m in mails] == [
            "Your registration for a study visit", "Confirmed", "Cancelled"]
        receipt = mails[-1].message
        assert f"Reference: {reference}" in text_of(receipt)
        # Every jobseeker email: the course page, a map, the contact with their phone.
        for mail in mails:
            text = text_of(mail.message)
            assert f"/#/course/{visit_index.course_of(visit_index.roomy)}" in text
            assert "https://www.openstreetmap.org/search?query=" in text
            assert "Olle Berg, olle@utbildning.example, 040-12 34 56" in text
        method, cancelled = _event(calendar_of(receipt))
        assert method == "CANCEL"
        assert cancelled["UID"] == invited["UID"]  # type: ignore[index]
        assert cancelled["SEQUENCE"] > invited["SEQUENCE"]  # type: ignore[index]
        assert cancelled["STATUS"] == "CANCELLED"  # type: ignore[index]
        assert cancelled.decoded("DTSTART") == invited.decoded("DTSTART")  # type: ignore[attr-defined]
        await run_worker(vsettings)
        assert len(to(smtp_sink.messages, jobseeker)) == 3  # the receipt is sent once


async def test_cancelling_a_pending_registration_sends_a_receipt_without_a_calendar(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink
) -> None:
    jobseeker = "cancel.pending@example.se"
    async with httpx.AsyncClient(timeout=10) as client:
        await _registered(client, api, visit_index.roomy, jobseeker)
        await run_worker(vsettings)
        (first,) = to(smtp_sink.messages, jobseeker)
        cancel = links(first.message)["/visits/cancel"]
        done = await client.post(f"{api}/visits/cancel",
                                 data={"token": token_of(cancel), "lang": "en"})
        assert done.status_code == 200
        await run_worker(vsettings)
        receipt = to(smtp_sink.messages, jobseeker)[-1].message
        assert str(receipt["Subject"]).startswith("Cancelled: study visit")
        assert calendar_of(receipt) is None

