"""The ``/graphql`` endpoint: the compiled paths first, strawberry for the rest.

A POST of ``application/json`` whose ``Accept`` allows an answer is offered to the
process's compiled registration (:class:`api.visits.compiled.RegistrationExecutor`),
when its body may be one, then to its :class:`SearchExecutor` (both in ``app.state``);
when it declines, the request — its body replayed — goes to strawberry's view unchanged,
which also answers every request error (:mod:`api.http.graphql_view`). The body was
read whole, capped and under a deadline, by :mod:`api.http.limits` before this endpoint
is called. When a dependency failed the compiled attempt, the failure goes along
(:mod:`api.search.failures`), so the search is not sent again (nor the registration made
again).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Receive, Scope, Send

from api.http.limits import replay_body
from api.http.media import is_json_request, response_media_type
from api.metrics import OK, label_request
from api.search.failures import HandOver, remember

from .executor import SearchExecutor

if TYPE_CHECKING:
    from api.visits.compiled import RegistrationExecutor

STATE_KEY = "search_executor"
REGISTRATION_KEY = "registration_executor"  # set by api.app
REGISTRATION_FIELD = "registerForStudyVisit"


class CompiledEndpoint:
    def __init__(self, graphql: ASGIApp) -> None:
        self.graphql = graphql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope["app"].state
        executor: SearchExecutor | None = getattr(state, STATE_KEY, None)
        registrations: RegistrationExecutor | None = getattr(state, REGISTRATION_KEY, None)
        if executor is None or scope["type"] != "http" or scope["method"] != "POST":
            await self.graphql(scope, receive, send)
            return
        content_type = accept = None
        for name, value in scope["headers"]:
            if name == b"content-type":
                content_type = value
            elif name == b"accept":
                accept = value
        media_type = response_media_type(accept)
        if media_type is None or not is_json_request(content_type):
            await self.graphql(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:
            return  # the client went away
        try:
            operation, answer = REGISTRATION_FIELD, None
            if registrations is not None and registrations.may_answer(body):
                answer = await registrations.execute(scope, body)
            if answer is None:
                operation, answer = "searchCourses", await executor.execute(body)
        except HandOver as handover:  # strawberry answers, without calling it again
            remember(scope, handover)
            answer = None
        if answer is None:
            await self.graphql(scope, replay_body(body, receive), send)
            return
        label_request(scope, operation, OK)
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-length", str(len(answer)).encode("ascii")),
            (b"content-type", media_type.encode("ascii")),
        ]})
        await send({"type": "http.response.body", "body": answer})


async def _read_body(receive: Receive) -> bytes | None:
    """The body, or None when the client went away."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)

