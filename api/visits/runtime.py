"""The study-visit service of the API process, made on first use from its resources."""

from __future__ import annotations

from starlette.requests import Request

from api.context import Resources
from api.http.forwarded import client_address as forwarded_client_address
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
    """The address rate limits count by: the client as the server's trusted proxy policy
    reports it, never an ``X-Forwarded-For`` the API cannot trust
    (:mod:`api.http.forwarded`)."""
    return forwarded_client_address(request.scope)
