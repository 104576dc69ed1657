"""The pooled HTTP clients for reading from Meilisearch: httpx for the odd request, and the
lean client of the search path."""

from __future__ import annotations

import time

import httpx

from core.meili_http import MeiliHttp
from core.meili_replicas import Instances, MeiliReplicas, ReplicaTransport
from core.metrics import MEILISEARCH_REQUEST_SECONDS, meilisearch_endpoint
from core.settings import Settings


def meili_http_client(settings: Settings) -> httpx.AsyncClient:
    """One keep-alive pool per process.

    Every phase of a request (connect, write, read, pool wait) has the deadline
    ``MEILI_TIMEOUT_SECONDS``, so a stalled Meilisearch fails the request within it.
    ``Accept-Encoding: identity``: Meilisearch compresses responses when asked, which
    costs far more than it saves on the loopback or a LAN hop. With several instances
    (``MEILI_URLS``) requests are spread over them (``core.meili_replicas``).
    """
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    transport: httpx.AsyncBaseTransport | None = None
    if len(settings.meili_instances) > 1:
        transport = ReplicaTransport(httpx.AsyncHTTPTransport(limits=limits),
                                     _instances(settings))
    return httpx.AsyncClient(
        base_url=settings.meili_url,
        headers={
            "Authorization": f"Bearer {settings.meili_read_key}",
            "Accept-Encoding": "identity",
            "Content-Type": "application/json",
        },
        timeout=httpx.Timeout(settings.meili_timeout_seconds),
        limits=limits,
        transport=transport,
        event_hooks={"request": [_started], "response": [_answered]},
    )


async def _started(request: httpx.Request) -> None:
    request.extensions["studyvisits.started"] = time.perf_counter()


async def _answered(response: httpx.Response) -> None:
    """The time to the answer's headers goes to the Meilisearch latency histogram."""
    started = response.request.extensions.get("studyvisits.started")
    if started is not None:
        MEILISEARCH_REQUEST_SECONDS.labels(meilisearch_endpoint(response.request.url.path)
                                           ).observe(time.perf_counter() - started)


def meili_search_http(settings: Settings) -> MeiliHttp | MeiliReplicas:
    """The lean client of the search path (see ``core.meili_http``), one pool per process
    and instance; connecting and each answer have the deadline ``MEILI_TIMEOUT_SECONDS``."""
    clients = [MeiliHttp(url, settings.meili_read_key, timeout=settings.meili_timeout_seconds)
               for url in settings.meili_instances]
    if len(clients) == 1:
        return clients[0]
    return MeiliReplicas(clients, _instances(settings))


def _instances(settings: Settings) -> Instances:
    return Instances(settings.meili_instances, settings.meili_takeout_seconds)
