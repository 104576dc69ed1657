"""The ``/graphql`` endpoint: the compiled search path first, strawberry for the rest.

A JSON POST is offered to the process's :class:`SearchExecutor` (``app.state``); when it
declines, the request — its body replayed — goes to strawberry's ASGI app unchanged; when
a dependency failed it, the failure goes along (``api.search.failures``).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.search.failures import HandOver, remember

from .executor import SearchExecutor

STATE_KEY = "search_executor"
MAX_BODY = 1 << 20


class CompiledSearchEndpoint:
    def __init__(self, graphql: ASGIApp) -> None:
        self.graphql = graphql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        executor: SearchExecutor | None = getattr(scope["app"].state, STATE_KEY, None)
        if executor is None or scope["type"] != "http" or scope["method"] != "POST" \
                or not _is_json(scope):
            await self.graphql(scope, receive, send)
            return
        body, complete = await _read_body(receive)
        try:
            answer = await executor.execute(body) if complete else None
        except HandOver as handover:  # strawberry answers, without calling it again
            remember(scope, handover)
            answer = None
        if answer is None:
            await self.graphql(scope, _replay(body, complete, receive), send)
            return
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-length", str(len(answer)).encode("ascii")),
            (b"content-type", b"application/json"),
        ]})
        await send({"type": "http.response.body", "body": answer})


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bool(value.split(b";", 1)[0].strip().lower() == b"application/json")
    return False


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """The body (up to :data:`MAX_BODY`), and whether it is all of it."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True
        if size > MAX_BODY:
            return b"".join(chunks), False


def _replay(body: bytes, complete: bool, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": not complete}
        return await receive()

    return replayed
