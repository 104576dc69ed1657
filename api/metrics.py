"""The API's Prometheus metrics and ``GET /metrics``.

* ``studyvisits_http_requests_total{operation,outcome}`` and
  ``studyvisits_http_request_duration_seconds{operation}``: every HTTP request, timed by
  :class:`RequestMetrics` around the whole application. ``operation`` is the GraphQL root
  field of a ``/graphql`` request (``multiple`` for several, ``invalid`` when none could be
  read) or the name of the route otherwise: values from the schema and the routes, never
  from the client. ``outcome`` is ``ok``, ``client_error``, ``unavailable`` (a dependency
  is down) or ``server_error``.
* ``studyvisits_search_cache_requests_total{result}`` and
  ``studyvisits_compiled_search_requests_total{path}``: read from the search cache's and
  the compiled path's own counters when scraped, so the hot path pays nothing for them.
* ``studyvisits_registrations_total{outcome}``: ``ok``, the payload error code in lower
  case, or ``unavailable``.

One uvicorn worker per process exposes its own numbers (run one worker, as the README
advises, or scrape each).
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from graphql import FieldNode, GraphQLError, OperationDefinitionNode
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from core.errors import InputError, ServiceUnavailable

if TYPE_CHECKING:
    from api.search.cache import SearchCache
    from api.search.compiled.executor import SearchExecutor

HTTP_REQUESTS = Counter("studyvisits_http_requests_total", "HTTP requests answered.",
                        ["operation", "outcome"])
HTTP_REQUEST_SECONDS = Histogram(
    "studyvisits_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer.", ["operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
REGISTRATIONS = Counter("studyvisits_registrations_total",
                        "Study-visit registrations by outcome.", ["outcome"])

OK, CLIENT_ERROR, UNAVAILABLE, SERVER_ERROR = "ok", "client_error", "unavailable", "server_error"
_OPERATION = "studyvisits.operation"
_OUTCOME = "studyvisits.outcome"


def label_request(scope: Scope, operation: str, outcome: str | None = None) -> None:
    """Name the request's operation (and, for GraphQL, its outcome) for the metrics."""
    state = scope.setdefault("state", {})
    state[_OPERATION] = operation
    if outcome is not None:
        state[_OUTCOME] = outcome


class RequestMetrics:
    """ASGI middleware: counts and times every HTTP request (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            operation, outcome = _labels(scope, status)
            HTTP_REQUESTS.labels(operation, outcome).inc()
            HTTP_REQUEST_SECONDS.labels(operation).observe(time.perf_counter() - started)


def _labels(scope: Scope, status: int) -> tuple[str, str]:
    state = scope.get("state") or {}
    operation = state.get(_OPERATION)
    if operation is None:
        route = scope.get("route")
        operation = getattr(route, "name", None) or "unrouted"
    outcome = state.get(_OUTCOME)
    if outcome is None:
        outcome = OK if status < 400 else CLIENT_ERROR if status < 500 else (
            UNAVAILABLE if status == 503 else SERVER_ERROR)
    return operation, outcome


class OperationMetrics(SchemaExtension):
    """Labels a GraphQL request with its root field and the outcome of its errors."""

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        request = getattr(context.context, "request", None)
        if request is None:
            return
        result = context.result
        errors = list(context.pre_execution_errors or ()) + list(
            (result.errors if result is not None else None) or ())
        label_request(request.scope, root_field(context.graphql_document,
                                                context.operation_name), graphql_outcome(errors))


def root_field(document: Any, operation_name: str | None) -> str:
    """The operation's root field name, ``multiple``, or ``invalid`` (no readable operation)."""
    if document is None:
        return "invalid"
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)
                  and (operation_name is None or (d.name and d.name.value == operation_name))]
    if len(operations) != 1:
        return "invalid"
    names = {s.name.value for s in operations[0].selection_set.selections
             if isinstance(s, FieldNode)}
    if len(names) == 1:  # aliases of one field are one operation
        return names.pop()
    return "multiple" if names else "invalid"


def graphql_outcome(errors: Iterable[GraphQLError]) -> str:
    """The worst outcome among a response's errors."""
    outcome = OK
    for error in errors:
        original = error.original_error
        if isinstance(original, ServiceUnavailable):
            outcome = UNAVAILABLE if outcome != SERVER_ERROR else outcome
        elif error.path is None or original is None or isinstance(
                original, InputError | GraphQLError):
            outcome = CLIENT_ERROR if outcome == OK else outcome
        else:
            outcome = SERVER_ERROR
    return outcome


class SearchCounters(Collector):
    """The search cache's hits and misses (of whole answers and of parts) and the compiled
    path's answers and hand-overs, read from their own counters at scrape time (summed
    over this process's apps)."""

    def __init__(self) -> None:
        self._caches: weakref.WeakSet[SearchCache] = weakref.WeakSet()
        self._executors: weakref.WeakSet[SearchExecutor] = weakref.WeakSet()

    def watch(self, cache: SearchCache | None, executor: SearchExecutor | None) -> None:
        if cache is not None:
            self._caches.add(cache)
        if executor is not None:
            self._executors.add(executor)

    def collect(self) -> Iterator[CounterMetricFamily]:
        caches, executors = list(self._caches), list(self._executors)
        cache = CounterMetricFamily("studyvisits_search_cache_requests",
                                    "Search-cache look-ups by result.", labels=["result"])
        cache.add_metric(["hit"], sum(c.hits for c in caches))
        cache.add_metric(["miss"], sum(c.misses for c in caches))
        parts = CounterMetricFamily(
            "studyvisits_search_cache_parts",
            "Look-ups of the queries of multi-searches missed as a whole, by result.",
            labels=["result"])
        parts.add_metric(["hit"], sum(c.part_hits for c in caches))
        parts.add_metric(["miss"], sum(c.part_misses for c in caches))
        compiled = CounterMetricFamily(
            "studyvisits_compiled_search_requests",
            "Search requests answered by the compiled path or handed to graphql-core.",
            labels=["path"])
        compiled.add_metric(["compiled"], sum(e.stats.compiled for e in executors))
        compiled.add_metric(["fallback"], sum(e.stats.fallbacks for e in executors))
        yield cache
        yield parts
        yield compiled


SEARCH_COUNTERS = SearchCounters()
REGISTRY.register(SEARCH_COUNTERS)


async def metrics(request: Request) -> Response:
    """``GET /metrics``: the Prometheus text format."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
