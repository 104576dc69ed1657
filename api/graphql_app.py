"""The strawberry GraphQL endpoint: schema limits, error masking, POST with JSON only."""

from __future__ import annotations

from typing import Any

import orjson
import strawberry
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp
from starlette.websockets import WebSocket
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from api.context import Context
from api.http.graphql_view import GraphQLHttpView
from api.metrics import OperationMetrics
from api.safe_errors import SafeErrorSchema
from api.schema import Mutation, Query
from api.search.compiled.endpoint import CompiledSearchEndpoint
from api.search.compiled.registry import Registry
from core.errors import InputError
from core.settings import Settings

MAX_QUERY_DEPTH = 10
MAX_ALIASES = 15
MAX_TOKENS = 2000


def should_mask_error(error: GraphQLError) -> bool:
    """Mask unexpected failures only.

    Errors without a path are about the request itself (syntax, validation, limits,
    variables) and are the client's to see; so are :class:`InputError` and the argument
    errors GraphQL raises while resolving.
    """
    if error.path is None:
        return False
    return not isinstance(error.original_error, InputError | GraphQLError)


def build_schema(development: bool, registry: Registry | None = None) -> strawberry.Schema:
    """The schema with its limits; introspection, suggestions and raw errors only in development.

    With a ``registry``, every document strawberry validates is offered to the compiled
    search path.
    """
    extensions: list[Any] = [
        ParserCache(maxsize=1024),
        ValidationCache(maxsize=1024),
        QueryDepthLimiter(max_depth=MAX_QUERY_DEPTH),
        MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        MaxTokensLimiter(max_token_count=MAX_TOKENS),
        OperationMetrics,
    ]
    if not development:
        extensions.extend([DisableIntrospection(), MaskErrors(should_mask_error)])
    if registry is not None:
        extensions.append(registry.extension())
    schema = SafeErrorSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not development),
    )
    if registry is not None:
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


def graphql_endpoint(settings: Settings, registry: Registry | None = None) -> ASGIApp:
    """The ASGI app of ``/graphql``; with a ``registry``, search queries take the compiled
    path first."""
    app = CourseGraphQL(
        build_schema(settings.development, registry),
        graphql_ide="graphiql" if settings.development else None,
        allow_queries_via_get=False,
        multipart_uploads_enabled=False,
    )
    return app if registry is None else CompiledSearchEndpoint(app)
