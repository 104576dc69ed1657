"""What an operator sees and does about emails that did not go: list them, send one again.

An email is named by ``{job}:{registration id}`` (as in the outbox): job names and ids
only, never personal data. Listed are the final states ``failed`` (a permanent refusal,
or the retry horizon passed) and ``uncertain`` (the horizon passed with no reply to the
final dot), with their detail (an SMTP stage and status), and markers an older version
left as ``committing:{attempt}`` (no deadline): it never recorded their outcome and
queued nothing more for them, so they are listed as uncertain.

Sending one again clears its final marker and queues its job as the service does (the
outbox entry first, then the job with its dedupe id), so the normal claim-and-send
machinery applies: it goes once, or at least once if it was uncertain.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from arq.connections import ArqRedis
from arq.constants import result_key_prefix
from redis.asyncio import Redis

from core.redis_values import as_text
from core.visits import dispatch, keys
from core.visits.awaiting import result
from core.visits.dispatch import Job
from workers.markers import FAILURE, FIRST_TRY, MARKER

FINAL_FAILURES = ("failed", "uncertain")
SCAN_BATCH = 500
LEGACY_COMMITTING = re.compile(r"committing:[^:]+")
LEGACY_DETAIL = "no outcome recorded (marker of an older version)"

# ARGV: marker field, failure field, first-try field, outbox member
_REOPEN = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
local current = redis.call('HGET', KEYS[1], ARGV[1])
local state = current and string.match(current, '^[a-z]+') or 'not sent yet'
local legacy = current and string.match(current, '^committing:[^:]+$')
if state ~= 'failed' and state ~= 'uncertain' and not legacy then return state end
redis.call('HDEL', KEYS[1], ARGV[1], ARGV[2], ARGV[3])
local t = redis.call('TIME')
redis.call('ZADD', KEYS[2], t[1], ARGV[4])
return 'OK'
"""


@dataclass(frozen=True, slots=True)
class FailedEmail:
    email_id: str
    state: str
    detail: str


class UnknownEmail(ValueError):
    """The id does not name an email (``{job}:{registration id}``)."""


def parse_email_id(email_id: str) -> tuple[Job, str]:
    job_name, _, registration_id = email_id.partition(":")
    if job_name not in dispatch.ALL_EMAIL_JOBS or not registration_id or ":" in registration_id:
        raise UnknownEmail(f"not an email id: {email_id!r} (use an id printed by --failed)")
    return Job(job_name), registration_id


async def failed_emails(redis: Redis) -> AsyncIterator[FailedEmail]:
    """Every email in a final failed or uncertain state, by registration."""
    fields = [MARKER + job for job in dispatch.ALL_EMAIL_JOBS]
    batch: list[Any] = []
    async for key in redis.scan_iter(match=keys.registration("*"), count=SCAN_BATCH):
        batch.append(key)
        if len(batch) >= SCAN_BATCH:
            for found in await _failed_in(redis, batch, fields):
                yield found
            batch = []
    for found in await _failed_in(redis, batch, fields):
        yield found


async def _failed_in(redis: Redis, batch: list[Any], fields: list[str]) -> list[FailedEmail]:
    async with redis.pipeline(transaction=False) as pipe:
        for key in batch:
            pipe.hmget(key, fields)
        replies = await pipe.execute()
    found = []
    for key, values in zip(batch, replies, strict=True):
        registration_id = as_text(key).rsplit(":", 1)[1]
        for job, value in zip(dispatch.ALL_EMAIL_JOBS, values, strict=True):
            marker = as_text(value) if value else ""
            state, _, detail = marker.partition(":")
            if LEGACY_COMMITTING.fullmatch(marker):
                state, detail = "uncertain", LEGACY_DETAIL
            if state in FINAL_FAILURES:
                found.append(FailedEmail(keys.outbox_member(job, registration_id), state, detail))
    return found


async def resend(queue: ArqRedis, email_id: str) -> str:
    """Queue a failed or uncertain email again: ``"OK"``, or the state that prevents it
    (``gone``, ``sent``, ``retrying``, …). :class:`UnknownEmail` for a malformed id."""
    job, registration_id = parse_email_id(email_id)
    reply = await result(queue.eval(
        _REOPEN, 2, keys.registration(registration_id), keys.OUTBOX,
        MARKER + job.value, FAILURE + job.value, FIRST_TRY + job.value,
        keys.outbox_member(job.value, registration_id),
    ))
    outcome = as_text(reply)
    if outcome == "OK":
        # the finished job's kept result would make arq ignore the same job id
        await queue.delete(result_key_prefix + dispatch.job_id(job, registration_id))
        await dispatch.enqueue(queue, job, registration_id)
    return outcome
