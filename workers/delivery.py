"""One email job run: load the registration, claim its marker, send, settle.

Every way a run can end leaves the email in a state of :mod:`workers.markers`: sent,
retrying (the job runs again after a backoff within the retry horizon of
:mod:`workers.retry_policy`), failed or uncertain (final, listed by
``python -m workers emails --failed``), or a claim that lapses and is taken over.

Logs, results and exception texts name only the job, the registration id and an SMTP
status; never an address, a name or a phone number.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from arq import Retry
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.settings import Settings
from core.visits.dispatch import Job
from core.visits.models import Registration
from core.visits.store import RegistrationStore
from workers.emails import MailKind, compose
from workers.mailer import Mailer, Outcome, SendResult
from workers.markers import ClaimLost, ClaimState, Markers, MarkerUnconfirmed
from workers.metrics import MARKERS_UNCONFIRMED
from workers.retry_policy import after_dot_lease_ms, before_dot_lease_ms, retry_delay

logger = logging.getLogger("workers.delivery")

Chooser = Callable[[Registration], MailKind | None]
REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
SETTLE_PAUSE_SECONDS = 0.5


async def deliver(ctx: dict[str, Any], job: Job, registration_id: str, choose: Chooser) -> str:
    """Send the email ``job`` owes for the registration, at most once per claim; a short
    status. When Redis does not answer, the job is run again (arq's retry, or the
    in-progress timeout when Redis is down) and the marker decides what is left to do."""
    settings: Settings = ctx["settings"]
    try:
        return await _deliver(ctx, job, registration_id, choose)
    except REDIS_ERRORS as exc:
        logger.warning("%s %s: Redis did not answer (%s); the job runs again", job.value,
                       registration_id, type(exc).__name__)
        raise Retry(defer=settings.email_retry_base_seconds) from None


async def _deliver(ctx: dict[str, Any], job: Job, registration_id: str, choose: Chooser) -> str:
    settings: Settings = ctx["settings"]
    store: RegistrationStore = ctx["store"]
    markers: Markers = ctx["markers"]
    mailer: Mailer = ctx["mailer"]
    registration = await store.get(registration_id)
    kind = None if registration is None else choose(registration)
    if registration is None or kind is None:
        await markers.drop_owed(registration_id, job.value)
        status = "gone" if registration is None else "not needed"
        logger.info("%s %s: %s", job.value, registration_id, status)
        return status
    attempt = secrets.token_hex(8)
    claim = await markers.claim(registration_id, job.value, attempt, before_dot_lease_ms(settings))
    claimed_at = time.monotonic()
    if claim.state is ClaimState.BUSY:
        logger.info("%s %s: another attempt holds it; retrying later", job.value, registration_id)
        raise Retry(defer=claim.retry_in_ms / 1000 + 0.5)
    if claim.state is not ClaimState.CLAIMED:
        await markers.drop_owed(registration_id, job.value)
        status = f"already {claim.state.value.lower()}"
        logger.info("%s %s: %s", job.value, registration_id, status)
        return status
    if claim.resending:
        logger.warning("%s %s: an earlier attempt sent the final dot and got no reply; "
                       "sending again with the same Message-ID", job.value, registration_id)
    try:
        mail = compose(kind, job.value, registration, settings, int(time.time()))
    except Exception as exc:  # its text may quote a value: never let it reach a log
        detail = f"compose: {type(exc).__name__}"
        await markers.finish(registration_id, job.value, attempt, f"failed:{detail}", detail)
        logger.error("%s %s: %s, not retried", job.value, registration_id, detail)
        return f"failed: {detail}"

    lease_ends = claimed_at + before_dot_lease_ms(settings) / 1000

    async def handing_over() -> None:
        nonlocal lease_ends
        lease_ends = time.monotonic() + after_dot_lease_ms(settings) / 1000
        await markers.commit(registration_id, job.value, attempt, after_dot_lease_ms(settings))

    try:
        result = await mailer.send(mail, before_final_dot=handing_over)
    except ClaimLost:  # the marker says what is left to do when the job runs again
        logger.warning("%s %s: claim lost before the final dot; the job runs again",
                       job.value, registration_id)
        raise Retry(defer=settings.email_retry_base_seconds) from None
    except MarkerUnconfirmed:  # nothing was sent: retried like any transient failure
        result = SendResult(Outcome.TRANSIENT, "marker: not confirmed by the replicas")
    except BaseException:
        await markers.release(registration_id, job.value, attempt)
        raise
    now_ms = claim.now_ms + int((time.monotonic() - claimed_at) * 1000)  # Redis's clock
    return await _settled(settings, markers, job, registration_id, attempt, result,
                          retry_delay(settings, claim.first_try_ms, now_ms), lease_ends)


async def _settled(settings: Settings, markers: Markers, job: Job, registration_id: str,
                   attempt: str, result: SendResult, delay: float | None, deadline: float
                   ) -> str:
    """Record the outcome; a transient one raises :class:`Retry` after ``delay`` (``None``:
    the retry horizon has passed)."""
    name = job.value
    if result.outcome is Outcome.SENT:
        sent = f"sent:{int(time.time())}"  # the same value each time it is written
        await _persist(name, lambda: markers.finish(registration_id, name, attempt, sent,
                                                    confirm=True), deadline)
        logger.info("%s %s: sent", name, registration_id)
        return "sent"
    if result.outcome is Outcome.PERMANENT:
        failure = f"failed:{result.detail}"
        await _persist(name, lambda: markers.finish(registration_id, name, attempt, failure,
                                                    result.detail), deadline)
        logger.error("%s %s: failed (%s), not retried", name, registration_id, result.detail)
        return f"failed: {result.detail}"
    if delay is not None:
        await _persist(name, lambda: markers.retrying(registration_id, name, attempt,
                                                      result.detail), deadline)
        again = " with the same Message-ID" if result.outcome is Outcome.UNCERTAIN else ""
        logger.warning("%s %s: %s; sending again%s in %.1f s", name, registration_id,
                       result.detail, again, delay)
        raise Retry(defer=delay)
    state = "uncertain" if result.outcome is Outcome.UNCERTAIN else "failed"
    hours = settings.email_retry_horizon_hours
    detail = f"gave up after {hours:g} h: {result.detail}"
    final = f"{state}:{detail}"
    await _persist(name, lambda: markers.finish(registration_id, name, attempt, final, detail),
                   deadline)
    logger.error("%s %s: %s (%s)", name, registration_id, state, detail)
    return f"{state}: {detail}"


async def _persist(name: str, write: Callable[[], Awaitable[object]], deadline: float) -> None:
    """Write an outcome, trying again while Redis is briefly away or the replicas do not
    confirm it (:class:`MarkerUnconfirmed`: a ``sent`` marker only the master held would
    be lost with it in a failover, and the email sent again), until the claim's lease
    ends. A ``sent`` the master took but no replica confirmed by then stays as it is,
    logged at ERROR and counted (``studyvisits_email_markers_unconfirmed_total``): only a
    failover before the replicas catch up would send that email again (with the same
    Message-ID)."""
    while True:
        try:
            await write()
            return
        except MarkerUnconfirmed as exc:
            if time.monotonic() + SETTLE_PAUSE_SECONDS > deadline:
                logger.error("%s: the replicas did not confirm it within the lease; a "
                             "failover now would send the email again", exc)
                MARKERS_UNCONFIRMED.labels(kind=name).inc()
                return
        except REDIS_ERRORS:
            if time.monotonic() + SETTLE_PAUSE_SECONDS > deadline:
                raise
        await asyncio.sleep(SETTLE_PAUSE_SECONDS)
