"""Erasing an active registration the provider knows of: the provider is told that the
registration with its short reference was withdrawn, with no personal data; real API,
Redis, arq worker and SMTP sink."""

from __future__ import annotations

import httpx
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import keys
from core.visits.short_reference import short_reference
from core.visits.withdrawal import notice_id
from devstack.mailsink import MailSink
from tests.integration.visits.conftest import VisitIndex, register, registration_input
from tests.integration.visits.mail_helpers import links, text_of, to, token_of
from tests.live_app import run_worker

PROVIDER = "olle@utbildning.example"
NAME, PHONE = "Greta Raderasson", "070-123 45 67"


async def _register(client: httpx.AsyncClient, api: str, visit_id: str, email: str) -> str:
    payload = await register(client, api, registration_input(visit_id, email, name=NAME))
    assert payload["errors"] == []
    registration_id: str = payload["registration"]["id"]
    return registration_id


def _about(smtp_sink: MailSink, registration_id: str) -> list[bytes]:
    return [m.data for m in to(smtp_sink.messages, PROVIDER)
            if registration_id in str(m.message["Message-ID"])]


async def test_erasing_an_active_registration_tells_the_provider_without_personal_data(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink, redis: Redis
) -> None:
    jobseeker = "greta.erased@example.se"
    async with httpx.AsyncClient(timeout=10) as client:
        registration_id = await _register(client, api, visit_index.roomy, jobseeker)
        await run_worker(vsettings)
        assert len(_about(smtp_sink, registration_id)) == 1  # the provider knows of it
        (receipt,) = to(smtp_sink.messages, jobseeker)
        erase = links(receipt.message)["/visits/erase"]
        erased = await client.post(f"{api}/visits/erase", data={"token": token_of(erase)})
        assert erased.status_code == 200
        assert not await redis.exists(keys.registration(registration_id))
        await run_worker(vsettings)
        await run_worker(vsettings)  # a second run sends nothing more

    notices = [m for m in to(smtp_sink.messages, PROVIDER)
               if notice_id(registration_id) in str(m.message["Message-ID"])]
    assert len(notices) == 1
    notice = notices[0]
    reference = short_reference(registration_id)
    assert notice.message["Subject"].startswith(f"Återkallad anmälan {reference}")
    assert f"referens {reference}" in text_of(notice.message)
    assert "/provider" in links(notice.message)  # like every e-mail to the course contact
    assert notice.message["Reply-To"] is None
    for personal in (NAME, "Greta", jobseeker, PHONE, "070"):
        assert personal.encode() not in notice.data
    record = await redis.hgetall(keys.registration(notice_id(registration_id)))
    assert record[b"name"] == b"" and record[b"email"] == b"" and record[b"phone"] == b""
    assert await redis.ttl(keys.registration(notice_id(registration_id))) > 0


async def test_erasing_before_the_provider_was_told_sends_them_nothing(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink, redis: Redis
) -> None:
    jobseeker = "greta.early@example.se"
    async with httpx.AsyncClient(timeout=10) as client:
        registration_id = await _register(client, api, visit_index.roomy, jobseeker)
        await run_worker(vsettings)
        (receipt,) = to(smtp_sink.messages, jobseeker)
        # The provider's email failed to go out yet: forget it was handed over.
        await redis.hdel(keys.registration(registration_id), "mail:send_provider_notification")
        erase = links(receipt.message)["/visits/erase"]
        assert (await client.post(f"{api}/visits/erase",
                                  data={"token": token_of(erase)})).status_code == 200
        await run_worker(vsettings)
    assert not await redis.exists(keys.registration(notice_id(registration_id)))
    assert [m for m in to(smtp_sink.messages, PROVIDER)
            if notice_id(registration_id) in str(m.message["Message-ID"])] == []
