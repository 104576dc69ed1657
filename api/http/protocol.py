"""uvicorn's httptools protocol with a deadline and a size cap for a request's headers.

uvicorn bounds the idle time between requests (keep-alive) but not the time a client may
take to send a request's headers: a client sending a byte now and then held its
connection (and its buffers) forever. This protocol arms a timer when a connection opens
and when a request starts, and cancels it once the headers are complete; a client that is
late is answered 408 (when it sent part of a request and no response is under way on
the connection) and disconnected.
Headers larger than :data:`MAX_HEADER_BYTES` are answered 431. The body has its deadline
in :mod:`api.http.limits`. ``python -m api`` serves with it (httptools' speed is kept:
the parser is the same, only its callbacks grow a timer); it also marks each request as
served under ``python -m api``'s explicit proxy policy (:mod:`api.http.forwarded`).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.http.errors import CODES, error_body
from api.http.forwarded import SERVER_POLICY

MAX_HEADER_BYTES = 64 * 1024


class HeaderDeadlineProtocol(HttpToolsProtocol):
    """Made per connection by uvicorn; see :func:`protocol_factory` for the deadline."""

    def __init__(self, *args: Any, read_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read_timeout = read_timeout
        self.header_deadline: asyncio.TimerHandle | None = None
        self.header_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.header_deadline is not None and not self.transport.is_closing():
            self.header_bytes += len(data)  # only chunks that did not complete the headers
            if self.header_bytes > MAX_HEADER_BYTES:
                self._refuse(431, f"The request headers are larger than {MAX_HEADER_BYTES} "
                                  "bytes.")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope[SERVER_POLICY] = True  # type: ignore[literal-required]
        if self.header_deadline is None:
            self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        """A request the parser rejects is answered in JSON like every request error."""
        self._refuse(400, "The request is not valid HTTP.")

    def _arm(self) -> None:
        self.header_bytes = 0
        self.header_deadline = self.loop.call_later(self.read_timeout, self._late)

    def _disarm(self) -> None:
        if self.header_deadline is not None:
            self.header_deadline.cancel()
            self.header_deadline = None

    def _late(self) -> None:
        self.header_deadline = None
        if self.header_bytes == 0:  # an idle (preconnected) connection gets no answer
            self.transport.close()
            return
        self._refuse(408, f"The request headers did not arrive within {self.read_timeout:g} s.")

    def _refuse(self, status: int, message: str) -> None:
        """Answer ``status`` unless a response is under way, and close the connection."""
        self._disarm()
        if self.transport.is_closing():
            return
        if self.cycle is None or self.cycle.response_complete:
            body = error_body(message, CODES[status])
            self.transport.write(b"".join([
                b"HTTP/1.1 %d %s\r\n" % (status, _REASONS[status]),
                b"content-type: application/json\r\n",
                b"content-length: %d\r\n" % len(body),
                b"connection: close\r\n\r\n",
                body,
            ]))
        self.transport.close()


_REASONS = {400: b"Bad Request", 408: b"Request Timeout", 431: b"Request Header Fields Too Large"}


def protocol_factory(read_timeout: float) -> Any:
    """What to pass uvicorn as ``http=``: a picklable callable (workers are spawned) making
    :class:`HeaderDeadlineProtocol` with this deadline."""
    return functools.partial(HeaderDeadlineProtocol, read_timeout=read_timeout)
