"""One email job run: load the registration, claim its sent-marker, send, settle.

Logs, results and exception texts name only the job, the registration id and an SMTP
status; never an address, a name or a phone number.
"""

from __future__ import annotations

import logging
import random
import secrets
import time
from collections.abc import Callable
from typing import Any

from arq import Retry

from core.settings import Settings
from core.visits.dispatch import Job
from core.visits.models import Registration
from core.visits.store import RegistrationStore
from workers.emails import MailKind, compose
from workers.mailer import Mailer, Outcome
from workers.markers import ClaimLost, ClaimState, Markers

logger = logging.getLogger("workers.delivery")

Chooser = Callable[[Registration], MailKind | None]


def backoff_seconds(settings: Settings, job_try: int) -> float:
    """Exponential: base, 2·base, 4·base, … capped, with ±10 % jitter against herds."""
    delay = min(settings.email_retry_base_seconds * 2 ** max(0, job_try - 1),
                settings.email_retry_max_seconds)
    return float(delay * random.uniform(0.9, 1.1))


def lease_ms(settings: Settings) -> int:
    """How long a claim lasts: no job runs longer (arq cancels it at its timeout)."""
    return int(settings.worker_job_timeout_seconds * 1000)


async def deliver(ctx: dict[str, Any], job: Job, registration_id: str, choose: Chooser) -> str:
    """Send the email ``job`` owes for the registration, at most once; a short status."""
    settings: Settings = ctx["settings"]
    store: RegistrationStore = ctx["store"]
    markers: Markers = ctx["markers"]
    mailer: Mailer = ctx["mailer"]
    job_try = int(ctx.get("job_try", 1))
    registration = await store.get(registration_id)
    kind = None if registration is None else choose(registration)
    if registration is None or kind is None:
        await markers.drop_owed(registration_id, job.value)
        status = "gone" if registration is None else "not needed"
        logger.info("%s %s: %s", job.value, registration_id, status)
        return status
    attempt = secrets.token_hex(8)
    claim = await markers.claim(registration_id, job.value, attempt, lease_ms(settings))
    if claim.state is ClaimState.BUSY:
        logger.info("%s %s: another attempt holds it; retrying later", job.value, registration_id)
        raise Retry(defer=claim.retry_in_ms / 1000 + 0.5)
    if claim.state is not ClaimState.CLAIMED:
        await markers.drop_owed(registration_id, job.value)
        status = f"already {claim.state.value.lower()}"
        logger.info("%s %s: %s", job.value, registration_id, status)
        return status
    try:
        mail = compose(kind, job.value, registration, settings, int(time.time()))
    except Exception as exc:  # its text may quote a value: never let it reach a log
        detail = f"compose: {type(exc).__name__}"
        await markers.finish(registration_id, job.value, attempt, f"failed:{detail}", detail)
        logger.error("%s %s: %s, not retried", job.value, registration_id, detail)
        return f"failed: {detail}"

    async def handing_over() -> None:
        await markers.commit(registration_id, job.value, attempt)

    try:
        result = await mailer.send(mail, before_data=handing_over)
    except ClaimLost:
        logger.warning("%s %s: claim lost before sending", job.value, registration_id)
        return "claim lost"
    except BaseException:
        await markers.release(registration_id, job.value, attempt)
        raise
    if result.outcome is Outcome.SENT:
        await markers.finish(registration_id, job.value, attempt, f"sent:{int(time.time())}")
        logger.info("%s %s: sent", job.value, registration_id)
        return "sent"
    if result.outcome is Outcome.TRANSIENT and job_try < settings.email_max_tries:
        await markers.release(registration_id, job.value, attempt, refused=True)
        delay = backoff_seconds(settings, job_try)
        logger.warning("%s %s: %s; try %d of %d, next in %.1f s", job.value, registration_id,
                       result.detail, job_try, settings.email_max_tries, delay)
        raise Retry(defer=delay)
    state = "uncertain" if result.outcome is Outcome.UNCERTAIN else "failed"
    detail = result.detail if result.outcome is not Outcome.TRANSIENT else (
        f"gave up after {job_try} tries: {result.detail}")
    await markers.finish(registration_id, job.value, attempt, f"{state}:{detail}", detail)
    logger.error("%s %s: %s (%s), not retried", job.value, registration_id, state, detail)
    return f"{state}: {detail}"
