"""SMTP connections a worker keeps open and reuses across emails.

At most ``SMTP_POOL_SIZE`` connections exist at once; an email takes one (an idle one
first, else a new one), and gives it back after its transaction. Only a connection whose
last message was accepted (a 250 to the final dot: the server has reset the transaction)
goes back idle; after any failure it is closed. An idle connection is dropped after
:data:`IDLE_SECONDS` (servers close idle clients after a few minutes, RFC 5321 4.5.3.2.7
allows 5), and one the server closed anyway is noticed by the mailer at its next MAIL,
before any of a message was sent, and replaced (:mod:`workers.mailer`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import aiosmtplib

IDLE_SECONDS = 60.0
QUIT_SECONDS = 2.0


class NoFreeConnection(Exception):
    """Every connection stayed busy for the whole wait."""


class SmtpPool:
    """``acquire`` a connection (connected, EHLO done), ``release`` it after use."""

    def __init__(self, connect: Callable[[], aiosmtplib.SMTP], size: int,
                 wait_seconds: float) -> None:
        self.new_client = connect
        self.slots = asyncio.Semaphore(size)
        self.wait_seconds = wait_seconds
        self.idle: list[tuple[aiosmtplib.SMTP, float]] = []

    async def acquire(self) -> tuple[aiosmtplib.SMTP, bool]:
        """A connection and whether it was used before; connecting may raise as
        ``aiosmtplib.SMTP.connect`` does, and :class:`NoFreeConnection` after the wait."""
        if self.slots.locked():  # every connection busy: wait, up to the bound
            try:
                await asyncio.wait_for(self.slots.acquire(), self.wait_seconds)
            except TimeoutError:
                raise NoFreeConnection from None
        else:  # a free slot is taken at once (no timer, no task)
            await self.slots.acquire()
        try:
            while self.idle:
                smtp, since = self.idle.pop()
                if smtp.is_connected and time.monotonic() - since < IDLE_SECONDS:
                    return smtp, True
                await close(smtp)
            smtp = self.new_client()
            await smtp.connect()
            return smtp, False
        except BaseException:
            self.slots.release()
            raise

    async def release(self, smtp: aiosmtplib.SMTP, reusable: bool) -> None:
        """Give the connection back: kept idle when ``reusable`` and still open, else
        closed."""
        try:
            if reusable and smtp.is_connected:
                self.idle.append((smtp, time.monotonic()))
            else:
                await close(smtp)
        finally:
            self.slots.release()

    async def close(self) -> None:
        """Close every idle connection (the worker's shutdown)."""
        idle, self.idle = self.idle, []
        await asyncio.gather(*(close(smtp) for smtp, _ in idle))


async def close(smtp: aiosmtplib.SMTP) -> None:
    """QUIT politely, or drop the connection when the server does not answer."""
    if not smtp.is_connected:
        return
    try:
        await asyncio.wait_for(smtp.quit(), timeout=QUIT_SECONDS)
    except Exception:  # the message's fate is already decided; just drop the connection
        smtp.close()
