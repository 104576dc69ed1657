"""Strawberry's ASGI view speaking GraphQL over HTTP (graphql.github.io/graphql-over-http).

- Answers are ``application/graphql-response+json`` or ``application/json`` as the
  ``Accept`` header asks (:mod:`api.http.media`); a client accepting neither gets 406.
- A POST must be ``application/json`` exactly (415 otherwise, where strawberry matched a
  substring and took ``application/jsonx``); its body is parsed by orjson and its
  variables are held to :mod:`api.http.variables`' limits.
- A request that fails before execution (document parsing or validation, variable
  coercion) has no ``data`` entry; with ``application/graphql-response+json`` it is
  answered 400, with ``application/json`` 200 as before.
- Request-level errors (bad JSON, no query, wrong method, unsupported media type, bad
  variables) are GraphQL responses in JSON with ``extensions.code``
  (:mod:`api.http.errors`), not strawberry's text/plain.

The compiled search path answers only successful executions and leaves everything else
to this view, so both paths agree.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult

from api.context import Context
from api.http.errors import RequestError, error_response
from api.http.media import GRAPHQL_RESPONSE, JSON, is_json_request, response_media_type
from api.http.variables import check_variables, too_deep


class GraphQLHttpView(GraphQL[Context, None]):
    """Strawberry's view with the negotiation and the JSON errors above."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.run(request)
        except RequestError as error:
            response = error_response(error, _media_type(request))
        except HTTPException as exc:
            response = error_response(RequestError(exc.status_code, exc.reason),
                                      _media_type(request))
        await response(scope, receive, send)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        """The response being built carries the media type negotiated for it."""
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = _media_type(request)
        return sub_response

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if response_media_type(_encoded(request.headers.get("accept"))) is None:
            raise RequestError(406, f"Only {GRAPHQL_RESPONSE} and {JSON} answers are "
                                    "available; the Accept header allows neither.")
        if request.method != "POST":
            return await super().parse_http_body(request)
        if not is_json_request(_encoded(request.headers.get("content-type"))):
            raise RequestError(415, f"A POST request must be {JSON} (in UTF-8).")
        return _request_data(self.parse_json(await request.get_body()))

    def parse_json(self, data: str | bytes) -> Any:
        """orjson: it refuses documents nested deeper than 1024 levels without recursing
        (``json.loads`` overflowed the stack: HTTP 500).

        orjson also refuses a lone UTF-16 surrogate (``"\\ud800"``), which JSON's grammar
        allows; such a body is read again by ``json.loads`` (the body is capped and the
        nesting already bounded by orjson's look), so that the GraphQL layer can answer
        ``BAD_USER_INPUT`` naming the argument that holds it.
        """
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            if "depth" in str(exc):
                raise too_deep() from None
            try:
                return json.loads(data)
            except (ValueError, RecursionError):
                raise RequestError(400, "The request body is not valid JSON.") from None

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """No ``data`` entry when the request failed before execution: then graphql-core
        returns no data and only errors without a path (parsing, validation, variables)."""
        processed = await super().process_result(request, result)
        if result.data is None and result.errors \
                and all(error.path is None for error in result.errors):
            processed.pop("data", None)
        return processed

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        media_type = sub_response.media_type or JSON
        status = sub_response.status_code or 200
        if media_type == GRAPHQL_RESPONSE and isinstance(response_data, dict) \
                and "data" not in response_data:
            status = 400
        response = Response(self.encode_json(response_data), status_code=status,
                            media_type=media_type)
        response.headers.raw.extend(sub_response.headers.raw)
        response.background = sub_response.background
        return response


def _media_type(request: Request | WebSocket) -> str:
    """The negotiated media type, or JSON to explain a 406 in."""
    return response_media_type(_encoded(request.headers.get("accept"))) or JSON


def _encoded(value: str | None) -> bytes | None:
    return None if value is None else value.encode("latin-1")


def _request_data(payload: object) -> GraphQLRequestData:
    """The GraphQL request in a JSON body, its parameters checked (strawberry answered
    HTTP 500 for a body that is JSON but not an object)."""
    if isinstance(payload, list):
        raise RequestError(400, "Batched requests are not supported.")
    if not isinstance(payload, dict):
        raise RequestError(400, "The request body must be a JSON object.")
    parameters = {"query": str, "operationName": str, "variables": dict, "extensions": dict}
    for name, kind in parameters.items():
        value = payload.get(name)
        if value is not None and not isinstance(value, kind):
            what = "a string" if kind is str else "an object"
            raise RequestError(400, f"The parameter '{name}' must be {what} or null.")
    if payload.get("query") is None:
        raise RequestError(400, "The request has no 'query'.")
    check_variables(payload.get("variables"))
    return GraphQLRequestData(query=payload["query"], variables=payload.get("variables"),
                              operation_name=payload.get("operationName"),
                              extensions=payload.get("extensions"))
