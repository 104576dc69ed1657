"""The provider feed API: ``PUT``/``GET /feeds/{organisationNumber}``, ``GET /feeds/schema``.

Thin: each route reads the request, calls :class:`core.feeds.service.FeedService` and
turns its answer or refusal into JSON. The body is read only after the key was checked
and the upload counted, and never beyond ``FEED_MAX_BYTES`` (413 at once when the
declared length is over it, else as soon as the stream passes it). Errors are
``{"error": {"code", "message", "field"?}}``; see ``docs/providers.md``.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from api.context import Resources
from core.errors import ServiceUnavailable
from core.feeds.loads import LoadRecord
from core.feeds.service import FeedRefused, FeedService, Refusal
from indexer.feed import SCHEMA_PATH

STATUS = {
    Refusal.UNAUTHORIZED: 401,
    Refusal.FORBIDDEN: 403,
    Refusal.INVALID_ORGANISATION_NUMBER: 400,
    Refusal.INVALID_FEED: 400,
    Refusal.ORGANISATION_MISMATCH: 400,
    Refusal.RATE_LIMITED: 429,
}
UNAVAILABLE_RETRY_SECONDS = 30


class _TooLarge(Exception):
    pass


def _error(status: int, code: str, message: str, field: str | None = None,
           headers: dict[str, str] | None = None) -> JSONResponse:
    error = {"code": code, "message": message}
    if field is not None:
        error["field"] = field
    return JSONResponse({"error": error}, status_code=status, headers=headers)


def _refused(refusal: FeedRefused) -> JSONResponse:
    headers = {}
    if refusal.refusal is Refusal.UNAUTHORIZED:
        headers["WWW-Authenticate"] = "Bearer"
    if refusal.retry_after is not None:
        headers["Retry-After"] = str(refusal.retry_after)
    return _error(STATUS[refusal.refusal], refusal.refusal.value, refusal.message,
                  refusal.field, headers)


def _unavailable(outage: ServiceUnavailable) -> JSONResponse:
    return _error(503, "SERVICE_UNAVAILABLE", str(outage),
                  headers={"Retry-After": str(UNAVAILABLE_RETRY_SECONDS)})


def _service(request: Request) -> FeedService:
    """The process's service, made at its first feed request (it needs the lifespan's
    clients) and kept on the application state."""
    state = request.app.state
    service: FeedService | None = getattr(state, "feed_service", None)
    if service is None:
        resources: Resources = state.resources
        service = FeedService(resources.settings, resources.reference, resources.redis,
                              resources.arq)
        state.feed_service = service
    return service


async def _read_capped(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def put_feed(request: Request) -> Response:
    """Validate the provider's feed now, index it in the background."""
    service = _service(request)
    settings = request.app.state.resources.settings
    limit = settings.feed_max_bytes
    try:
        key = await service.authorize(request.path_params["organisation"],
                                      request.headers.get("authorization"))
        await service.take_upload(key)
        try:
            async with asyncio.timeout(settings.feed_read_timeout_seconds):
                body = await _read_capped(request, limit)
        except TimeoutError:
            return _error(408, "REQUEST_TIMEOUT", "the feed did not arrive within "
                          f"{settings.feed_read_timeout_seconds:g} s")
        except _TooLarge:
            # Answered at once; uvicorn discards the rest of the body as it arrives
            # (closing instead would reset the connection under the client's upload,
            # and it would often miss this answer).
            return _error(413, "FEED_TOO_LARGE",
                          f"a feed may be at most {limit} bytes (FEED_MAX_BYTES)")
        report = await service.submit(key.organisation_number, body)
    except FeedRefused as refusal:
        return _refused(refusal)
    except ServiceUnavailable as outage:
        return _unavailable(outage)
    return JSONResponse({
        "loadId": report.load_id,
        "organisationNumber": report.organisation_number,
        "state": report.state.value,
        "accepted": report.accepted,
        "rejected": [dataclasses.asdict(r) for r in report.rejected],
    }, status_code=202)


def _load_json(record: LoadRecord) -> dict[str, Any]:
    return {
        "loadId": record.load_id, "state": record.state.value,
        "receivedAt": record.received_at, "startedAt": record.started_at,
        "finishedAt": record.finished_at, "accepted": record.accepted,
        "rejected": record.rejected, "indexed": record.indexed, "removed": record.removed,
        "seconds": record.seconds, "error": record.error,
    }


async def get_loads(request: Request) -> Response:
    """The provider's most recent loads, newest first."""
    service = _service(request)
    try:
        key = await service.authorize(request.path_params["organisation"],
                                      request.headers.get("authorization"))
        loads = await service.recent_loads(key.organisation_number)
    except FeedRefused as refusal:
        return _refused(refusal)
    except ServiceUnavailable as outage:
        return _unavailable(outage)
    return JSONResponse({"organisationNumber": key.organisation_number,
                         "loads": [_load_json(r) for r in loads]})


def routes() -> list[BaseRoute]:
    """The feed API's routes; ``/feeds/schema`` comes before the organisation routes."""
    schema = SCHEMA_PATH.read_bytes()

    async def feed_schema(request: Request) -> Response:
        """The feed contract (JSON Schema 2020-12) the uploads are validated against."""
        return Response(schema, media_type="application/schema+json")

    return [
        Route("/feeds/schema", feed_schema, methods=["GET"]),
        Route("/feeds/{organisation}", put_feed, methods=["PUT"]),
        Route("/feeds/{organisation}", get_loads, methods=["GET"]),
    ]
