"""Sending one message over SMTP (aiosmtplib), with failures sorted for the caller.

* ``TRANSIENT``: nothing was accepted and trying again may work – connection refused or
  lost, timeouts before the message was handed over, any 4xx reply, and problems of the
  connection itself (STARTTLS, login: configuration, not this message).
* ``PERMANENT``: a 5xx reply to the sender, a recipient or the message. Not retried.
* ``UNCERTAIN``: the connection failed while the server was taking the message; it may
  have been accepted. Not retried, so that no email is ever sent twice.

Results and their details never hold an address or any other personal data.
"""

from __future__ import annotations

import asyncio
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
from aiosmtplib.protocol import PERIOD_REGEX, normalize_message_line_endings

from core.settings import Settings
from workers.emails import OutgoingMail


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


class Mailer:
    """Opens one SMTP connection per message: simple, and nothing stale between jobs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

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

    async def send(self, mail: OutgoingMail,
                   before_data: Callable[[], Awaitable[None]] | None = None) -> SendResult:
        """Send ``mail``; ``before_data`` runs after the server's 354, just before the
        message itself is written (from then on a lost connection leaves the outcome
        uncertain)."""
        smtp = self._client()
        try:
            try:
                await smtp.connect()
            except SMTPResponseException as exc:
                return SendResult(Outcome.TRANSIENT, f"connect: smtp {exc.code}")
            except (TimeoutError, SMTPException, OSError) as exc:
                return SendResult(Outcome.TRANSIENT, f"connect: {type(exc).__name__}")
            try:
                await smtp.mail(mail.sender)
                for recipient in mail.recipients:
                    await smtp.rcpt(recipient)
            except SMTPRecipientsRefused as exc:
                codes = [r.code for r in exc.recipients] or [550]
                return _by_code(max(codes), "recipient")
            except SMTPRecipientRefused as exc:
                return _by_code(exc.code, "recipient")
            except SMTPResponseException as exc:
                return _by_code(exc.code, "envelope")
            except ValueError:  # an address SMTP cannot carry (its text quotes it)
                return SendResult(Outcome.PERMANENT, "envelope: unusable address")
            except (TimeoutError, SMTPException, OSError) as exc:
                return SendResult(Outcome.TRANSIENT, f"envelope: {type(exc).__name__}")
            try:
                start = await smtp.execute_command(b"DATA")
            except (TimeoutError, SMTPException, OSError) as exc:
                return SendResult(Outcome.TRANSIENT, f"data: {type(exc).__name__}")
            if start.code != 354:
                return _by_code(start.code, "data")
            if before_data is not None:
                try:
                    await before_data()
                except BaseException:
                    smtp.close()  # mid-DATA: drop the connection, the server keeps nothing
                    raise
            # From here the server may keep the message: a failure is uncertain.
            try:
                reply = await _send_content(smtp, mail.as_bytes(), self.settings)
            except (TimeoutError, SMTPException, OSError) as exc:
                return SendResult(Outcome.UNCERTAIN, f"data: {type(exc).__name__}")
            if reply != 250:
                return _by_code(reply, "data")
            return SendResult(Outcome.SENT, "smtp 250")
        finally:
            await _close(smtp)


async def _send_content(smtp: aiosmtplib.SMTP, message: bytes, settings: Settings) -> int:
    """Write the message (dot-stuffed, ended by CRLF.CRLF) after a 354; the final reply.

    aiosmtplib's ``data()`` sends DATA and the content in one call; doing the two steps
    here puts the "handing over" mark exactly between them. The write and the read
    follow each other with no await in between, so no reply can arrive unclaimed.
    """
    protocol = smtp.protocol
    if protocol is None:
        raise SMTPServerDisconnected("connection lost")
    content = PERIOD_REGEX.sub(b"..", normalize_message_line_endings(message)) + b".\r\n"
    protocol.write(content)
    response = await protocol.read_response(timeout=settings.smtp_timeout_seconds)
    return int(response.code)


async def _close(smtp: aiosmtplib.SMTP) -> None:
    if not smtp.is_connected:
        return
    try:
        await asyncio.wait_for(smtp.quit(), timeout=2)
    except Exception:  # the message's fate is already decided; just drop the connection
        smtp.close()
