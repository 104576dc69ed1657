"""The Starlette application: GraphQL at ``/graphql``, health probes, the decision pages,
the reference search page at ``/``.

``api.app:app`` builds the application from the environment when uvicorn first asks for
it; tests call :func:`create_app` with settings of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from api.context import Resources
from api.feeds.routes import routes as feed_routes
from api.graphql_app import GRAPHQL_PATH, graphql_endpoint
from api.http.limits import RequestLimits
from api.jobseeker.pages import routes as jobseeker_page_routes
from api.metrics import SEARCH_COUNTERS, RequestMetrics, metrics
from api.provider.pages import routes as provider_page_routes
from api.search.compiled.executor import search_executor
from api.search.compiled.registry import Registry, search_compiler
from api.search.compiled.result_fields import SEARCH_TYPES
from api.search.runtime import start_search
from api.search_page import routes as search_page_routes
from api.visits.compiled import RegistrationExecutor, compile_registration
from api.visits.pages import routes as visit_page_routes
from core.durability import check_server
from core.meili_client import meili_http_client
from core.redis_clients import job_queue, redis_client
from core.reference import load_reference
from core.settings import Settings


class CourseApi(Starlette):
    """Starlette, except that every HTTP request's body is read first within the limits
    (:class:`api.http.limits.RequestLimits`), and that ``POST /graphql`` (the search hot
    path) then goes straight to its endpoint, past the router and the error middleware: on
    the loopback bench they cost a fifth of a millisecond per request. CORS still applies
    to it when configured; the endpoint answers every error itself, and the route stays
    for the other methods."""

    def __init__(self, graphql_post: ASGIApp, settings: Settings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.graphql_post = graphql_post
        self.limited = RequestMetrics(RequestLimits(
            self._dispatch, settings.max_request_bytes, settings.request_read_timeout_seconds))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.limited(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] == "POST" and scope["path"] == GRAPHQL_PATH:
            scope["app"] = self
            await self.graphql_post(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings, compiled_search: bool = True) -> CourseApi:
    """The API application for these settings.

    ``compiled_search=False`` leaves every request to strawberry, searches and
    registrations alike (the differential tests compare both).
    """
    registry = Registry(search_compiler(SEARCH_TYPES)) if compiled_search else None
    registrations = Registry(compile_registration) if compiled_search else None
    graphql = graphql_endpoint(settings, [r for r in (registry, registrations) if r is not None])

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await check_server(settings, unreachable_ok=True)
        meili = meili_http_client(settings)
        redis = redis_client(settings)
        arq = job_queue(settings)
        app.state.resources = Resources(settings, load_reference(), meili, redis, arq)
        app.state.search = await start_search(app.state.resources)
        if registry is not None:
            app.state.search_executor = search_executor(registry, app.state.resources,
                                                        app.state.search)
            SEARCH_COUNTERS.watch(app.state.search_executor.cache, app.state.search_executor)
        if registrations is not None:
            app.state.registration_executor = RegistrationExecutor(registrations, settings)
        try:
            yield
        finally:
            if registry is not None:
                await app.state.search_executor.reads.aclose()
            await app.state.search.aclose()
            await arq.aclose()
            await redis.aclose()
            await meili.aclose()

    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        *visit_page_routes(),
        *provider_page_routes(),
        *jobseeker_page_routes(),
        *feed_routes(),
        Route(GRAPHQL_PATH, graphql, methods=None),  # the view answers 405 in JSON
        *search_page_routes(),
    ]
    cors: dict[str, Any] = {"allow_origins": list(settings.cors_origins),
                            "allow_methods": ["GET", "POST"], "allow_headers": ["Content-Type"],
                            "max_age": 600}
    middleware = [Middleware(CORSMiddleware, **cors)] if settings.cors_origins else []
    graphql_post = CORSMiddleware(graphql, **cors) if settings.cors_origins else graphql
    return CourseApi(graphql_post, settings, routes=routes, middleware=middleware,
                     lifespan=lifespan)


async def healthz(request: Request) -> PlainTextResponse:
    """The process is up."""
    return PlainTextResponse("ok")


async def readyz(request: Request) -> JSONResponse:
    """Whether Meilisearch and Redis answer, each asked at once and given its deadline:
    ``{"ready": false, "meilisearch": "ok", "redis": "unavailable"}`` with 503 names the
    dependency that is down. (``/healthz`` only says that the process is up.)"""
    resources: Resources = request.app.state.resources
    settings = resources.settings

    async def meilisearch() -> bool:
        response = await resources.meili.get("/health")
        return response.status_code == 200

    async def redis() -> bool:
        return bool(await resources.redis.ping())

    meili_ok, redis_ok = await asyncio.gather(
        _answers(meilisearch(), settings.meili_timeout_seconds),
        _answers(redis(), settings.redis_timeout_seconds))
    checks = {"meilisearch": "ok" if meili_ok else "unavailable",
              "redis": "ok" if redis_ok else "unavailable"}
    ready = meili_ok and redis_ok
    return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)


async def _answers(check: Awaitable[bool], deadline: float) -> bool:
    """Whether ``check`` says yes within ``deadline`` seconds (the clients have their own
    deadlines; this one also bounds a connection pool that waits)."""
    try:
        return await asyncio.wait_for(check, deadline)
    except Exception:  # any failure means not ready
        return False


def __getattr__(name: str) -> Any:
    if name == "app":
        return create_app(Settings.from_env())
    raise AttributeError(name)
