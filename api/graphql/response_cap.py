"""A cap on the size of a ``/graphql`` answer, on both execution paths.

The cost analysis bounds what an operation may build before it starts; this is the
backstop for what it did build (long texts, many study visits). An answer over the cap is
replaced by one error, ``RESPONSE_TOO_LARGE``, naming the limit.
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def too_large(max_bytes: int) -> bytes:
    return orjson.dumps({"errors": [{
        "message": f"The response would be larger than {max_bytes} bytes; ask for fewer "
                   "results or fields.",
        "extensions": {"code": "RESPONSE_TOO_LARGE", "maxBytes": max_bytes}}]})


class ResponseSizeCap:
    """ASGI middleware: answers whose ``content-length`` exceeds ``max_bytes`` are replaced.

    Every answer of ``/graphql`` is one body with a ``content-length`` (strawberry's and
    the compiled path's), so the header decides before the body is sent.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        replaced = False

        async def capped(message: Message) -> None:
            nonlocal replaced
            if replaced:  # the original body is dropped
                return
            if message["type"] == "http.response.start" and self._over(message):
                replaced = True
                body = too_large(self.max_bytes)
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (b"content-length", b"content-type")]
                await send({**message, "headers": [
                    *headers, (b"content-length", str(len(body)).encode("ascii")),
                    (b"content-type", b"application/json")]})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, capped)

    def _over(self, start: Message) -> bool:
        for name, value in start.get("headers", []):
            if name.lower() == b"content-length":
                return int(value) > self.max_bytes
        return False
