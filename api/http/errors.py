"""Request-level errors as GraphQL responses: ``{"errors": [{"message", "extensions":
{"code"}}]}`` in JSON, never text/plain, and never a ``data`` entry (nothing was executed).

Messages are fixed texts about the request; they never carry a host, a port or a
driver's words.
"""

from __future__ import annotations

import orjson
from starlette.responses import Response
from starlette.types import Send

from api.http.media import JSON

CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    408: "REQUEST_TIMEOUT",
    413: "REQUEST_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    431: "HEADERS_TOO_LARGE",
}


class RequestError(Exception):
    """A request that cannot be taken as a GraphQL request, answered with ``status``."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or CODES.get(status, "BAD_REQUEST")


def error_body(message: str, code: str) -> bytes:
    return orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})


def error_response(error: RequestError, media_type: str = JSON) -> Response:
    """The answer to ``error`` as a Starlette response (``Allow`` listed for a 405)."""
    headers = {"Allow": "GET, POST"} if error.status == 405 else None
    return Response(error_body(error.message, error.code), status_code=error.status,
                    media_type=media_type, headers=headers)


async def send_error_and_close(send: Send, error: RequestError) -> None:
    """Answer ``error`` straight over ASGI and end the connection after it (the rest of a
    refused body is then never read)."""
    body = error_body(error.message, error.code)
    await send({"type": "http.response.start", "status": error.status, "headers": [
        (b"content-type", JSON.encode()),
        (b"content-length", str(len(body)).encode("ascii")),
        (b"connection", b"close"),
    ]})
    await send({"type": "http.response.body", "body": body})
