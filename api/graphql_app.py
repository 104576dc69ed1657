"""The strawberry GraphQL endpoint: schema limits, error masking, POST with JSON only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import orjson
import strawberry
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp
from starlette.websockets import WebSocket
from strawberry.extensions import MaxTokensLimiter, ParserCache
from strawberry.schema.exceptions import CannotGetOperationTypeError
from strawberry.types import ExecutionContext, ExecutionResult

from api.context import Context
from api.graphql.errors import (
    QuietExecutionContext,
    bounded_value,
    error_hygiene,
    process_errors,
)
from api.graphql.errors import should_mask_error as should_mask_error
from api.graphql.response_cap import ResponseSizeCap
from api.graphql.validation import CACHE_SIZE, service_rules, validation_extension
from api.http.graphql_view import GraphQLHttpView
from api.metrics import OperationMetrics
from api.schema import Mutation, Query
from api.search.compiled.endpoint import CompiledEndpoint
from api.search.compiled.registry import Registry
from core.settings import Settings

MAX_QUERY_DEPTH = 10
MAX_ALIASES = 15
MAX_TOKENS = 2000
_SETTINGS_DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(Settings)}


@dataclass(frozen=True, slots=True)
class Limits:
    """What one operation may cost (see :mod:`api.graphql.cost`)."""

    max_cost: int = _SETTINGS_DEFAULTS["graphql_max_cost"]
    max_page_size: int = _SETTINGS_DEFAULTS["search_max_page_size"]

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(settings.graphql_max_cost, settings.search_max_page_size)


class CourseSchema(strawberry.Schema):
    """The schema; errors are logged by kind (:func:`api.graphql.errors.process_errors`)."""

    def process_errors(self, errors: list[GraphQLError],
                       execution_context: ExecutionContext | None = None) -> None:
        process_errors(errors, execution_context)

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        """As strawberry's; an unknown operation name, which strawberry's HTTP view repeats
        in its 400 answer, is bounded like any echoed value."""
        try:
            return await super().execute(*args, **kwargs)
        except CannotGetOperationTypeError as exc:
            name = exc.operation_name
            raise CannotGetOperationTypeError(
                None if name is None else bounded_value(name)) from None


def build_schema(development: bool, registries: Sequence[Registry[Any]] = (),
                 limits: Limits = Limits()) -> strawberry.Schema:
    """The schema with its limits; introspection, suggestions and raw errors only in development.

    Every extension is a class or factory, so that each request gets its own instances
    (strawberry keeps per-request state on them); the parser and validation caches are
    module-level and shared. Every document strawberry validates is offered to the
    ``registries`` of the compiled paths (search, registration).
    """
    rules = service_rules(max_depth=MAX_QUERY_DEPTH, max_aliases=MAX_ALIASES,
                          max_cost=limits.max_cost, max_page_size=limits.max_page_size,
                          introspection=development)
    extensions: list[Any] = [
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        validation_extension(rules, hide_suggestions=not development),
        error_hygiene(mask=not development),
        OperationMetrics,
    ]
    extensions += [registry.extension() for registry in registries]
    schema = CourseSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        execution_context_class=None if development else QuietExecutionContext,
    )
    for registry in registries:
        registry.schema = schema
    return schema


class CourseGraphQL(GraphQLHttpView):
    """Strawberry's ASGI view speaking GraphQL over HTTP, with the service's context."""

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        assert isinstance(request, Request)
        return Context(request.app.state.resources, request, response)

    def encode_json(self, data: object) -> bytes:
        """orjson: several times faster than json.dumps on large search results."""
        return orjson.dumps(data)


GRAPHQL_PATH = "/graphql"


def graphql_endpoint(settings: Settings, registries: Sequence[Registry[Any]] = ()) -> ASGIApp:
    """The ASGI app of ``/graphql``; with ``registries``, the compiled paths (search,
    registration) are tried first."""
    app = CourseGraphQL(
        build_schema(settings.development, registries, Limits.of(settings)),
        graphql_ide="graphiql" if settings.development else None,
        allow_queries_via_get=False,
        multipart_uploads_enabled=False,
    )
    endpoint = CompiledEndpoint(app) if registries else app
    return ResponseSizeCap(endpoint, settings.graphql_max_response_bytes)
