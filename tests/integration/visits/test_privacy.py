"""Personal data: no header injection, nothing left after expiry, nothing in logs or jobs."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time

import httpx
import pytest
from arq.connections import ArqRedis
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import keys
from core.visits.dispatch import Job
from core.visits.models import Language, Registration, RegistrationStatus
from core.visits.pseudonyms import email_digest
from core.visits.ratelimit import DAY_SECONDS
from core.visits.store import RegistrationStore
from devstack.mailsink import MailSink
from tests.integration.visits.conftest import (
    VisitIndex,
    indexed_visit,
    register,
    registration_input,
)
from tests.integration.visits.mail_helpers import links, to, token_of
from tests.live_app import run_worker

EMAIL = "tove.test@example.se"
NAME = "Tove Testperson"
PHONE = "070-999 88 77"


async def _dump(redis: Redis) -> dict[bytes, bytes]:
    """Every key's name and contents, whatever its type."""
    contents: dict[bytes, bytes] = {}
    for key in await redis.keys("*"):
        kind = (await redis.type(key)).decode()
        if kind == "string":
            value = await redis.get(key) or b""
        elif kind == "hash":
            value = b"|".join(k + b"=" + v for k, v in (await redis.hgetall(key)).items())
        elif kind == "set":
            value = b"|".join(await redis.smembers(key))
        elif kind == "zset":
            value = b"|".join(await redis.zrange(key, 0, -1))
        elif kind == "list":
            value = b"|".join(await redis.lrange(key, 0, -1))
        else:
            value = kind.encode()
        contents[key] = value
    return contents


def _holds(contents: dict[bytes, bytes], needle: str) -> list[bytes]:
    data = needle.encode()
    return [key for key, value in contents.items() if data in key or data in value]


async def test_crlf_in_a_name_cannot_add_a_header_or_a_recipient(
    vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink, redis: Redis, queue: ArqRedis
) -> None:
    """The API refuses such a name; this stores one directly to test the email layer."""
    visit = await indexed_visit(vsettings, visit_index.five_seats)
    visit = dataclasses.replace(visit, contact_name="Karin\r\nBcc: evil@attacker.example",
                                course_title="Svets\r\nCc: x@y.example")
    now = int(time.time())
    registration = Registration(
        id="injection-test", status=RegistrationStatus.PENDING, visit=visit,
        name="Ann\r\nBcc: x@y.example\r\nTo: z@y.example", email="ann@example.se",
        phone=None, language=Language.SV, created_at=now, updated_at=now,
        expires_at=now + 3600)
    store = RegistrationStore(redis)
    await store.reserve(registration, email_digest(vsettings.secret_key, registration.email),
                        now)
    for job in (Job.PROVIDER_NOTIFICATION, Job.JOBSEEKER_RECEIPT):
        await queue.enqueue_job(job.value, registration.id)
    await run_worker(vsettings)
    messages = smtp_sink.messages
    assert len(messages) == 2
    assert sorted(r for m in messages for r in m.recipients) == [
        "ann@example.se", "karin@utbildning.example"]
    for received in messages:
        assert len(received.recipients) == 1
        message = received.message
        assert message["Bcc"] is None and message["Cc"] is None
        assert len(message.get_all("To") or []) == 1
        assert len(message["To"].addresses) == 1
        assert len(message["Reply-To"].addresses) == 1
        headers = received.data.split(b"\r\n\r\n", 1)[0]
        for line in headers.split(b"\r\n"):
            assert not line.lower().startswith((b"bcc:", b"cc:")), line


async def test_after_expiry_no_key_holds_the_persons_details(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink,
    redis: Redis, queue: ArqRedis
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        payload = await register(client, api, {**registration_input(
            visit_index.five_seats, EMAIL, name=NAME), "phone": PHONE})
        registration_id = payload["registration"]["id"]
        await run_worker(vsettings)
        confirm = links(to(smtp_sink.messages, "karin@utbildning.example")[-1].message)
        await client.post(f"{api}/visits/decision",
                          data={"token": token_of(confirm["/visits/decision#0"])})
        await run_worker(vsettings)
    key = keys.registration(registration_id)
    expected_expiry = int(await redis.hget(key, "startTs") or 0) + 90 * 60 + 30 * 86_400
    assert await redis.expiretime(key) == expected_expiry
    assert _holds(await _dump(redis), EMAIL) == [key.encode()]
    # The clock reaches the expiry: Redis drops every key that expires then (the hash, and
    # the address's "my study visits" index), the purge job the rest.
    expiry_ms = int(time.time() * 1000) + 100
    for name in await redis.keys("*"):
        if await redis.expiretime(name) == expected_expiry:
            await redis.pexpireat(name, expiry_ms)
    await redis.zadd(keys.EXPIRIES, {registration_id: int(time.time())})
    await asyncio.sleep(max(0.0, expiry_ms / 1000 - time.time()) + 0.05)
    assert await redis.exists(key) == 0
    await queue.enqueue_job("purge_expired")
    await run_worker(vsettings)
    contents = await _dump(redis)
    for detail in (EMAIL, NAME, PHONE):
        assert _holds(contents, detail) == [], detail
    # The keyed hash of the email is left only in the rate-limit windows, gone within them
    # (an hour for the hourly limit, a day for the daily email cap).
    for key in _holds(contents, email_digest(vsettings.secret_key, EMAIL)):
        assert key.startswith(b"ratelimit:")
        daily = b":email-day:" in key
        window = DAY_SECONDS if daily else vsettings.registration_rate_window_seconds
        assert 0 < await redis.ttl(key) <= window
    # The id is left only in arq's job results, kept for an hour.
    assert all(k.startswith(b"arq:") for k in _holds(contents, registration_id))
    assert await redis.scard(keys.active(visit_index.five_seats)) == 0


async def test_no_log_line_or_job_argument_holds_personal_data(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink,
    caplog: pytest.LogCaptureFixture, queue: ArqRedis,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with httpx.AsyncClient(timeout=10) as client:
        payload = await register(client, api, {**registration_input(
            visit_index.five_seats, EMAIL, name=NAME), "phone": PHONE})
        assert payload["registration"] is not None
        again = await register(client, api, {**registration_input(
            visit_index.five_seats, EMAIL, name=NAME), "phone": PHONE})
        assert again["errors"][0]["code"] == "ALREADY_REGISTERED"
        await run_worker(vsettings)
        provider = links(to(smtp_sink.messages, "karin@utbildning.example")[-1].message)
        await client.post(f"{api}/visits/decision",
                          data={"token": token_of(provider["/visits/decision#0"])})
        await run_worker(vsettings)
        cancel = links(to(smtp_sink.messages, EMAIL)[-1].message)["/visits/cancel"]
        await client.post(f"{api}/visits/cancel", data={"token": token_of(cancel)})
        smtp_sink.reply_next("550 5.1.1 no such user here: " + EMAIL)
        await run_worker(vsettings)
    results = await queue.all_job_results()
    assert len(results) >= 4
    for result in results:
        assert all(isinstance(arg, str) and "@" not in arg for arg in result.args)
        assert not result.kwargs
        assert EMAIL not in repr(result.result) and NAME not in repr(result.result)
    # aiosmtpd's own loggers are the receiving mail server's, not the service's.
    ours = [r for r in caplog.records if not r.name.startswith("mail.")]
    assert any(r.name == "workers.delivery" for r in ours)
    for record in ours:
        text = record.getMessage() + (record.exc_text or "")
        for detail in (EMAIL, NAME, PHONE, "tove.test"):
            assert detail not in text, (record.name, text)


async def test_an_unusable_address_fails_the_email_without_quoting_it(
    vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink,
    caplog: pytest.LogCaptureFixture, redis: Redis, queue: ArqRedis,
) -> None:
    caplog.set_level(logging.DEBUG)
    visit = await indexed_visit(vsettings, visit_index.five_seats)
    visit = dataclasses.replace(visit, contact_email="secret contact@@nowhere")
    now = int(time.time())
    registration = Registration(
        id="bad-address", status=RegistrationStatus.PENDING, visit=visit, name=NAME,
        email=EMAIL, phone=None, language=Language.SV, created_at=now, updated_at=now,
        expires_at=now + 3600)
    await RegistrationStore(redis).reserve(
        registration, email_digest(vsettings.secret_key, EMAIL), now)
    await queue.enqueue_job(Job.PROVIDER_NOTIFICATION.value, registration.id)
    worker = await run_worker(vsettings)
    assert worker.jobs_retried == 0 and worker.jobs_failed == 0
    failure = await redis.hget(keys.registration(registration.id),
                               "mailFailure:send_provider_notification")
    assert failure is not None and failure.startswith(b"compose: ")
    assert smtp_sink.messages == []
    assert "secret contact" not in caplog.text and EMAIL not in caplog.text
