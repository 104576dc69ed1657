"""Sending one message over SMTP (aiosmtplib), with failures sorted for the caller.

Messages go over the worker's pooled connections (:mod:`workers.smtp_pool`): a connection
is reused after an accepted message and closed after anything else; a reused one that
the server closed meanwhile is noticed at MAIL, before any of the message was sent, and
replaced by a new one.

* ``TRANSIENT``: nothing was kept and trying again may work – connection refused or
  lost, timeouts before the final dot (a server discards a message whose final dot never
  came), any 4xx reply, and problems of the connection itself (STARTTLS, login:
  configuration, not this message).
* ``PERMANENT``: a 5xx reply to the sender, a recipient or the message.
* ``UNCERTAIN``: the final dot was sent and no reply came (lost connection, or none
  within ``SMTP_DATA_TIMEOUT_SECONDS``): the server may have kept the message.

The message body and its final dot are written separately, with the caller's
``before_final_dot`` between them: that is the one point after which a failure is
uncertain. Results and their details never hold an address or any other personal data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

import aiosmtplib
from aiosmtplib import (
    SMTPException,
    SMTPRecipientRefused,
    SMTPRecipientsRefused,
    SMTPResponseException,
    SMTPServerDisconnected,
)
from aiosmtplib.protocol import PERIOD_REGEX, SMTPProtocol, normalize_message_line_endings

from core.settings import Settings
from workers.emails import OutgoingMail
from workers.smtp_pool import NoFreeConnection, SmtpPool


class Outcome(StrEnum):
    SENT = "sent"
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True, slots=True)
class SendResult:
    outcome: Outcome
    detail: str


def _by_code(code: int, stage: str) -> SendResult:
    if 400 <= code < 500:
        return SendResult(Outcome.TRANSIENT, f"{stage}: smtp {code}")
    if 500 <= code < 600:
        return SendResult(Outcome.PERMANENT, f"{stage}: smtp {code}")
    return SendResult(Outcome.TRANSIENT, f"{stage}: unexpected smtp {code}")


class _Stale(Exception):
    """A reused connection was found closed at MAIL: nothing of the message was sent."""


class Mailer:
    """Sends over the worker's pooled SMTP connections (:mod:`workers.smtp_pool`); up to
    ``SMTP_POOL_SIZE`` emails at once, each on a connection of its own."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool = SmtpPool(self._client, settings.smtp_pool_size,
                             settings.smtp_timeout_seconds)

    def _client(self) -> aiosmtplib.SMTP:
        s = self.settings
        return aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            timeout=s.smtp_timeout_seconds,
            start_tls=s.smtp_starttls,
            username=s.smtp_username or None,
            password=s.smtp_password or None,
        )

    async def close(self) -> None:
        await self.pool.close()

    async def send(self, mail: OutgoingMail,
                   before_final_dot: Callable[[], Awaitable[None]] | None = None) -> SendResult:
        """Send ``mail``; ``before_final_dot`` runs after the body was written, just before
        the final dot (from then on a lost connection leaves the outcome uncertain). When
        it raises, the connection is dropped without the dot: the server keeps nothing.
        A reused connection found closed at MAIL is replaced once by a new one."""
        while True:
            try:
                smtp, reused = await self.pool.acquire()
            except NoFreeConnection:
                return SendResult(Outcome.TRANSIENT, "connect: no free connection")
            except SMTPResponseException as exc:
                return SendResult(Outcome.TRANSIENT, f"connect: smtp {exc.code}")
            except (TimeoutError, SMTPException, OSError) as exc:
                return SendResult(Outcome.TRANSIENT, f"connect: {type(exc).__name__}")
            result: SendResult | None = None
            try:
                result = await self._transaction(smtp, reused, mail, before_final_dot)
                return result
            except _Stale:
                continue
            finally:
                await self.pool.release(smtp, result is not None
                                        and result.outcome is Outcome.SENT)

    async def _transaction(self, smtp: aiosmtplib.SMTP, reused: bool, mail: OutgoingMail,
                           before_final_dot: Callable[[], Awaitable[None]] | None
                           ) -> SendResult:
        """MAIL to the final dot's reply on an open connection."""
        try:
            await smtp.mail(mail.sender)
        except (SMTPServerDisconnected, ConnectionError) as exc:
            if reused:
                raise _Stale from exc
            return SendResult(Outcome.TRANSIENT, f"envelope: {type(exc).__name__}")
        except SMTPResponseException as exc:
            if reused and exc.code == 421:  # closing: the server's idle timeout
                raise _Stale from exc
            return _by_code(exc.code, "envelope")
        except ValueError:  # an address SMTP cannot carry (its text quotes it)
            return SendResult(Outcome.PERMANENT, "envelope: unusable address")
        except (TimeoutError, SMTPException, OSError) as exc:
            return SendResult(Outcome.TRANSIENT, f"envelope: {type(exc).__name__}")
        try:
            for recipient in mail.recipients:
                await smtp.rcpt(recipient)
        except SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients] or [550]
            return _by_code(max(codes), "recipient")
        except SMTPRecipientRefused as exc:
            return _by_code(exc.code, "recipient")
        except SMTPResponseException as exc:
            return _by_code(exc.code, "envelope")
        except ValueError:
            return SendResult(Outcome.PERMANENT, "envelope: unusable address")
        except (TimeoutError, SMTPException, OSError) as exc:
            return SendResult(Outcome.TRANSIENT, f"envelope: {type(exc).__name__}")
        try:
            start = await smtp.execute_command(b"DATA")
        except (TimeoutError, SMTPException, OSError) as exc:
            return SendResult(Outcome.TRANSIENT, f"data: {type(exc).__name__}")
        if start.code != 354:
            return _by_code(start.code, "data")
        try:
            _write_body(smtp, mail.as_bytes())
        except (SMTPException, OSError) as exc:
            return SendResult(Outcome.TRANSIENT, f"body: {type(exc).__name__}")
        if before_final_dot is not None:
            try:
                await before_final_dot()
            except BaseException:
                smtp.close()  # no final dot: the server discards what it got
                raise
        # From here the server may keep the message: a failure is uncertain.
        try:
            reply = await _send_final_dot(smtp, self.settings.smtp_data_timeout_seconds)
        except (TimeoutError, SMTPException, OSError) as exc:
            return SendResult(Outcome.UNCERTAIN, f"final dot: {type(exc).__name__}")
        if reply != 250:
            return _by_code(reply, "data")
        return SendResult(Outcome.SENT, "smtp 250")


def _protocol(smtp: aiosmtplib.SMTP) -> SMTPProtocol:
    if smtp.protocol is None:
        raise SMTPServerDisconnected("connection lost")
    return smtp.protocol


def _write_body(smtp: aiosmtplib.SMTP, message: bytes) -> None:
    """Write the message after a 354, dot-stuffed and ending in CRLF, without the final
    dot. aiosmtplib's ``data()`` sends DATA, the content and the dot in one call; doing
    the steps here lets the caller mark the one moment that matters, before the dot."""
    _protocol(smtp).write(PERIOD_REGEX.sub(b"..", normalize_message_line_endings(message)))


async def _send_final_dot(smtp: aiosmtplib.SMTP, timeout: float) -> int:
    """Send the final dot and wait for the reply (RFC 5321 4.5.3.2: up to 10 minutes).
    The write and the read follow each other with no await in between, so no reply can
    arrive unclaimed."""
    protocol = _protocol(smtp)
    protocol.write(b".\r\n")
    response = await protocol.read_response(timeout=timeout)
    return int(response.code)
