"""An SMTP sink that can hold every session at a chosen stage: fault tests and benches.

A held session waits, unanswered, where a slow or hung mail server would: at the EHLO
reply (connected, nothing sent yet), at the MAIL reply (envelope started), before the
354 reply to DATA (so that the client writes its body only once released), or after the
final dot (the message is kept, its 250 withheld: the client cannot know it was taken).
Everything else is :class:`devstack.mailsink.MailSink`'s, a real aiosmtpd server.
"""

from __future__ import annotations

import asyncio
import threading
from enum import StrEnum
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from devstack.mailsink import MailSink, _Handler

POLL_SECONDS = 0.02


class Stage(StrEnum):
    EHLO = "ehlo"
    MAIL = "mail"
    DATA = "data"
    AFTER_DOT = "after-dot"


class _Gate:
    """Where sessions are held, how many are, and the release (thread-safe)."""

    def __init__(self) -> None:
        self.stage: Stage | None = None
        self.open = threading.Event()
        self.open.set()
        self.lock = threading.Lock()
        self.held = 0
        self.cut_in_data = 0

    async def pass_at(self, stage: Stage) -> None:
        if self.stage is not stage or self.open.is_set():
            return
        with self.lock:
            self.held += 1
        while not self.open.is_set():
            await asyncio.sleep(POLL_SECONDS)


class _StagedHandler(_Handler):
    def __init__(self, gate: _Gate) -> None:
        super().__init__(None)
        self.gate = gate

    async def handle_EHLO(self, server: SMTP, session: Session, envelope: Envelope,
                          hostname: str, responses: list[str]) -> list[str]:
        await self.gate.pass_at(Stage.EHLO)
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, mail_options: list[str]) -> str:
        await self.gate.pass_at(Stage.MAIL)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        status = await super().handle_DATA(server, session, envelope)
        await self.gate.pass_at(Stage.AFTER_DOT)
        return status


class _StagedSMTP(SMTP):
    gate: _Gate

    async def smtp_DATA(self, arg: str) -> None:
        await self.gate.pass_at(Stage.DATA)
        try:
            await super().smtp_DATA(arg)
        except asyncio.CancelledError:  # aiosmtpd's answer to a lost connection
            if self.envelope is None or self.envelope.original_content is None:  # no dot yet
                with self.gate.lock:
                    self.gate.cut_in_data += 1
            raise


class _StagedController(Controller):
    def __init__(self, gate: _Gate, handler: _StagedHandler, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.gate = gate

    def factory(self) -> SMTP:
        server = _StagedSMTP(self.handler, **self.SMTP_kwargs)
        server.gate = self.gate
        return server


class StagedMailSink(MailSink):
    """A :class:`MailSink` with :meth:`hold` and :meth:`release`."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        super().__init__(port, host=host)
        self._gate = _Gate()
        self._staged = _StagedHandler(self._gate)
        self._handler = self._staged

    def start(self) -> StagedMailSink:
        self._controller = _StagedController(self._gate, self._staged, hostname=self.host,
                                             port=self.port)
        self._controller.start()
        return self

    def hold(self, stage: Stage) -> None:
        """From now on, hold every session that reaches ``stage`` until :meth:`release`."""
        with self._gate.lock:
            self._gate.stage = stage
            self._gate.held = 0
            self._gate.open.clear()

    def release(self) -> None:
        self._gate.open.set()

    @property
    def cut_in_data(self) -> int:
        """Sessions whose connection was lost after DATA, before the final dot: the server
        discarded what it had of their message."""
        with self._gate.lock:
            return self._gate.cut_in_data

    @property
    def held(self) -> int:
        """Sessions that reached the held stage since :meth:`hold`."""
        with self._gate.lock:
            return self._gate.held
