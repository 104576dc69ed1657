"""How long an email attempt may hold its claim, and when a failed one is tried again.

Mail servers keep a message they could not deliver and try again for days (Postfix:
5 days); this service does the same for transient failures, over a horizon measured
from the email's first attempt (``EMAIL_RETRY_HORIZON_HOURS``), not over a count of
tries, so that an outage of any length shorter than the horizon loses nothing.

An attempt's claim has two leases (see :mod:`workers.markers`):

* before the final dot, the SMTP steps that each wait at most ``SMTP_TIMEOUT_SECONDS``;
* after it, the wait for the reply to the message, which RFC 5321 section 4.5.3.2 sets
  to 10 minutes (``SMTP_DATA_TIMEOUT_SECONDS``), plus QUIT and the final write.

The email job's timeout exceeds both together, so arq never cancels an attempt that is
still inside its leases.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from core.settings import Settings

# Connect, greeting, EHLO, STARTTLS and EHLO again, AUTH (two steps), MAIL, RCPT (one or
# two recipients), DATA: each bounded by SMTP_TIMEOUT_SECONDS; and with pooled connections
# (workers.smtp_pool) the wait for a free one and the MAIL of a reused one found closed.
SMTP_STEPS_BEFORE_FINAL_DOT = 12
# Redis writes that settle an attempt after the reply (they take milliseconds).
SETTLE_MARGIN_SECONDS = 2.0
JITTER = 0.1


def before_dot_lease_ms(settings: Settings) -> int:
    """The claim while connecting and handing over the envelope and the body."""
    return int(SMTP_STEPS_BEFORE_FINAL_DOT * settings.smtp_timeout_seconds * 1000)


def after_dot_lease_ms(settings: Settings) -> int:
    """The claim from the final dot: the reply's wait, QUIT and settling."""
    seconds = (settings.smtp_data_timeout_seconds + settings.smtp_timeout_seconds
               + SETTLE_MARGIN_SECONDS)
    return int(seconds * 1000)


def email_job_timeout_seconds(settings: Settings) -> float:
    """arq's timeout of an email job: longer than both leases of its one attempt."""
    leases_ms = before_dot_lease_ms(settings) + after_dot_lease_ms(settings)
    return leases_ms / 1000 + 1.0


def retry_delay(settings: Settings, first_try_ms: int, now_ms: int,
                jitter: Callable[[float, float], float] = random.uniform) -> float | None:
    """Seconds until the next attempt after a transient failure, ``None`` to give up.

    The wait grows with the time since the first attempt (attempts at about 0, b, 2b,
    4b, … for a base b), is capped at ``EMAIL_RETRY_MAX_SECONDS``, carries ±10 % jitter
    against herds of retries, and never passes the horizon: the last attempt is made at
    the horizon, and a failure after it is final. Deriving the wait from the recorded
    first attempt, not from a try counter, keeps it right when a job is lost and
    re-enqueued or a worker restarts.
    """
    elapsed = max(0, now_ms - first_try_ms) / 1000
    left = settings.email_retry_horizon_hours * 3600 - elapsed
    if left <= 0:
        return None
    wait = min(max(elapsed, settings.email_retry_base_seconds), settings.email_retry_max_seconds)
    return min(wait * jitter(1 - JITTER, 1 + JITTER), left)
