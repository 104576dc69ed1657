"""A dependency failure the compiled search path met, handed to strawberry with the request.

When the compiled path's Meilisearch search (or its seat counts from Redis) fails, the
request goes to strawberry as every request the compiled path declines does, so that the
answer is strawberry's own for that failure. Strawberry must not send the search again
(a stalled Meilisearch would cost a second deadline): the failure is remembered in the
request's state (:func:`remember`), and the request's Meilisearch runner and seat loader
raise it at once (:func:`raise_remembered`) instead of calling the dependency.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import Scope

STATE_KEY = "search_dependency_failures"


class HandOver(Exception):
    """Raised by the compiled path: these dependencies failed (with these exceptions);
    let strawberry answer without calling them again."""

    def __init__(self, dependency: str, failure: Exception) -> None:
        super().__init__(dependency)
        self.failures = {dependency: failure}


def remember(scope: Scope, handover: HandOver) -> None:
    """Keep the failures for the rest of this request (in ``scope["state"]``, which is
    ``request.state`` in the resolvers)."""
    scope.setdefault("state", {}).setdefault(STATE_KEY, {}).update(handover.failures)


def raise_remembered(request: Request, dependency: str) -> None:
    """Raise the failure of ``dependency`` this request already met, if any."""
    failures: dict[str, Exception] | None = getattr(request.state, STATE_KEY, None)
    if failures is not None and dependency in failures:
        raise failures[dependency]
