"""Every request's body is read before any work starts: at most ``MAX_REQUEST_BYTES``,
within ``REQUEST_READ_TIMEOUT_SECONDS``.

A ``Content-Length`` above the cap is refused at once (413) without reading a byte of the
body; a chunked body is counted while it is read and refused as soon as it passes the
cap; a body that does not arrive in time is answered 408 (under ``python -m api`` by its
protocol, whose one timer per request covers headers and body: :mod:`api.http.protocol`;
under any other server by this layer). These answers close the connection, so the rest
of a refused body is never read. The application then gets the whole body in one
message, so nothing behind this layer needs a cap or a deadline of its own (the compiled
search path and the link pages read it as usual).
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.errors import RequestError, send_error_and_close
from api.http.protocol import SERVED_BY_PROTOCOL
from api.http.uploads import is_upload


class RequestLimits:
    def __init__(self, app: ASGIApp, max_bytes: int, read_timeout: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_timeout = read_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_upload(scope["path"]):
            await self.app(scope, receive, send)
            return
        try:
            self._check_declared_length(scope)
            if scope.get(SERVED_BY_PROTOCOL):  # python -m api: its timer already runs
                body = await self._read_body(receive)
            else:
                async with asyncio.timeout(self.read_timeout):
                    body = await self._read_body(receive)
        except RequestError as error:
            await send_error_and_close(send, error)
            return
        except TimeoutError:
            await send_error_and_close(send, RequestError(
                408, f"The request body did not arrive within {self.read_timeout:g} s."))
            return
        if body is None:
            return  # the client went away
        await self.app(scope, replay_body(body, receive), send)

    def _check_declared_length(self, scope: Scope) -> None:
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    raise RequestError(400, "Content-Length is not a number.") from None
                if declared > self.max_bytes:
                    raise self._too_large()

    async def _read_body(self, receive: Receive) -> bytes | None:
        message = await receive()
        if message["type"] != "http.request":
            return None
        body: bytes = message.get("body", b"")
        if not message.get("more_body", False):  # the usual case: one message
            if len(body) > self.max_bytes:
                raise self._too_large()
            return body
        chunks = [body]
        size = len(body)
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise self._too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _too_large(self) -> RequestError:
        return RequestError(413, f"The request body is larger than {self.max_bytes} bytes.")


def replay_body(body: bytes, receive: Receive) -> Receive:
    """``receive`` that first hands out the body read, then waits for the disconnect."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
