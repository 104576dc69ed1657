"""The study-visit service of the API process, made on first use from its resources."""

from __future__ import annotations

from starlette.requests import Request

from api.context import Resources
from core.visits.service import VisitService


def visit_service(request: Request) -> VisitService:
    """One service per application: it holds only the pooled clients and Lua scripts."""
    state = request.app.state
    service: VisitService | None = getattr(state, "visits", None)
    if service is None:
        resources: Resources = state.resources
        service = VisitService(resources.settings, resources.redis, resources.meili,
                               resources.arq)
        state.visits = service
    return service


def client_address(request: Request) -> str:
    """The address rate limits count by.

    This is the TCP peer. Behind a reverse proxy every request comes from the proxy:
    run uvicorn with ``--proxy-headers --forwarded-allow-ips=<proxy>`` so that Starlette
    sets the client from ``X-Forwarded-For`` for trusted proxies only; never read that
    header here, as any client can send it.
    """
    return request.client.host if request.client is not None else "unknown"
