"""An SMTP server that keeps every message it receives (development and tests).

It is a real SMTP server (aiosmtpd): clients speak the full protocol to it. Messages are
kept in memory and, when a folder is given, written there as ``.eml`` files so that a
developer can read them with ``python -m devstack mail``.
"""

from __future__ import annotations

import email
import email.policy
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    """One message as the server received it."""

    mail_from: str
    recipients: tuple[str, ...]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


class _Handler:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.messages: list[ReceivedMessage] = []
        self.lock = threading.Lock()
        self.scripted_replies: list[str] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self.lock:
            if self.scripted_replies:
                return self.scripted_replies.pop(0)
            content = envelope.original_content or b""
            received = ReceivedMessage(
                str(envelope.mail_from), tuple(str(r) for r in envelope.rcpt_tos), content
            )
            self.messages.append(received)
            if self.folder is not None:
                self.folder.mkdir(parents=True, exist_ok=True)
                name = f"{time.time_ns()}-{len(self.messages):06d}.eml"
                (self.folder / name).write_bytes(content)
        return "250 Message accepted for delivery"


class MailSink:
    """Start with :meth:`start`, read :attr:`messages`, stop with :meth:`stop`."""

    def __init__(self, port: int, folder: Path | None = None, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port
        self._handler = _Handler(folder)
        self._controller: Controller | None = None

    def start(self) -> MailSink:
        self._controller = Controller(self._handler, hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[ReceivedMessage]:
        with self._handler.lock:
            return list(self._handler.messages)

    def clear(self) -> None:
        with self._handler.lock:
            self._handler.messages.clear()
            self._handler.scripted_replies.clear()

    def reply_next(self, *replies: str) -> None:
        """Answer the next DATA commands with these replies (e.g. ``"451 try later"``)."""
        with self._handler.lock:
            self._handler.scripted_replies.extend(replies)

    def wait_for(
        self, predicate: Callable[[list[ReceivedMessage]], bool], timeout: float = 10.0
    ) -> list[ReceivedMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            current = self.messages
            if predicate(current):
                return current
            time.sleep(0.02)
        raise TimeoutError(f"mail sink: condition not met within {timeout} s")


def read_folder(folder: Path) -> list[tuple[Path, Any]]:
    """The ``.eml`` files of a sink folder, oldest first, parsed."""
    files = sorted(folder.glob("*.eml")) if folder.is_dir() else []
    return [
        (path, email.message_from_bytes(path.read_bytes(), policy=email.policy.default))
        for path in files
    ]
