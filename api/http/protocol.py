"""uvicorn's httptools protocol with a deadline for reading each request and a size cap
for its headers.

uvicorn bounds the idle time between requests (keep-alive) but not the time a client may
take to send a request: a client sending a byte now and then held its connection (and its
buffers) forever. This protocol arms one timer when a connection opens or a request
starts and cancels it once the request has been read whole, headers and body; a client
that is late is answered 408 (when it sent part of a request and no response is under
way on the connection; an idle connection is just closed) and disconnected. Headers
larger than :data:`MAX_HEADER_BYTES` are answered 431. httptools' speed is kept: the
parser is the same, only its callbacks grow a timer, the one timer a request needs.

``python -m api`` serves with it and every request it reads is marked with
:data:`SERVED_BY_PROTOCOL`: :mod:`api.http.limits` then leaves the body's deadline to it,
and :mod:`api.http.forwarded` trusts the client address ``python -m api``'s explicit
proxy policy set.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.http.errors import CODES, error_body
from api.http.uploads import is_upload

MAX_HEADER_BYTES = 64 * 1024
SERVED_BY_PROTOCOL = "studybesok.read_deadline_protocol"


class ReadDeadlineProtocol(HttpToolsProtocol):
    """Made per connection by uvicorn; see :func:`protocol_factory` for the deadline."""

    def __init__(self, *args: Any, read_timeout: float, upload_timeout: float,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read_timeout = read_timeout
        self.upload_timeout = upload_timeout
        self.read_deadline: asyncio.TimerHandle | None = None
        self.reading_headers = False
        self.header_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.reading_headers and not self.transport.is_closing():
            self.header_bytes += len(data)  # only chunks that did not complete the headers
            if self.header_bytes > MAX_HEADER_BYTES:
                self._refuse(431, f"The request headers are larger than {MAX_HEADER_BYTES} "
                                  "bytes.")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope[SERVED_BY_PROTOCOL] = True  # type: ignore[literal-required]
        if self.read_deadline is None:
            self._arm()

    def on_headers_complete(self) -> None:
        self.reading_headers = False
        super().on_headers_complete()
        if is_upload(self.scope["path"]) and self.read_deadline is not None:
            # a feed upload's body (megabytes) gets the upload deadline from here
            self.read_deadline.cancel()
            self.read_deadline = self.loop.call_later(self.upload_timeout, self._late)

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        """A request the parser rejects is answered in JSON like every request error."""
        self._refuse(400, "The request is not valid HTTP.")

    def _arm(self) -> None:
        self.reading_headers = True
        self.header_bytes = 0
        self.read_deadline = self.loop.call_later(self.read_timeout, self._late)

    def _disarm(self) -> None:
        self.reading_headers = False
        if self.read_deadline is not None:
            self.read_deadline.cancel()
            self.read_deadline = None

    def _late(self) -> None:
        self.read_deadline = None
        if self.reading_headers and self.header_bytes == 0:  # idle (preconnected): no answer
            self.transport.close()
            return
        part = "headers" if self.reading_headers else "body"
        self._refuse(408, f"The request {part} did not arrive in time.")

    def _refuse(self, status: int, message: str) -> None:
        """Answer ``status`` unless another response is under way or queued on the
        connection, and close it."""
        if self.reading_headers:  # this request has no cycle yet: the last one must be done
            may_answer = self.cycle is None or self.cycle.response_complete
        else:  # the cycle is this request's
            may_answer = not self.pipeline and not self.cycle.response_started
        self._disarm()
        if self.transport.is_closing():
            return
        if may_answer:
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


def protocol_factory(read_timeout: float, upload_timeout: float) -> Any:
    """What to pass uvicorn as ``http=``: a picklable callable (workers are spawned) making
    :class:`ReadDeadlineProtocol` with these deadlines."""
    return functools.partial(ReadDeadlineProtocol, read_timeout=read_timeout,
                             upload_timeout=upload_timeout)
