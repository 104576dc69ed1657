"""Several Meilisearch instances (``MEILI_URLS``) serving the same index: reads are spread
over those in service, and an instance that fails is taken out for a while.

Meilisearch Community Edition does not replicate; the indexer writes every load to every
instance (``indexer.replicas``), so any of them can answer any search. Each read goes to
the next instance in service (round robin). A transport error, a timeout or a 5xx answer
takes the instance out for ``MEILI_TAKEOUT_SECONDS`` and the read is sent once more to
another instance (reads are safe to repeat), so a user sees an error only when two
instances fail the same read. After its rest an instance gets reads again, and its first
answer puts it back in service; while every instance is out, reads still go to the one
whose rest ends first (better a try than a sure error).
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

import httpx

from core.meili_http import MeiliHttp, MeiliHttpError, Observer

log = logging.getLogger(__name__)

ATTEMPTS = 2
"""Instances one read is sent to, at most (the first, then one other)."""


class Instances:
    """Which instances are in service (by position in ``MEILI_URLS``)."""

    def __init__(self, urls: Sequence[str], takeout_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.urls = tuple(urls)
        self.takeout_seconds = takeout_seconds
        self.clock = clock
        self.out_until = [0.0] * len(self.urls)
        self._turn = itertools.count()

    def order(self) -> list[int]:
        """The instances to try for one read: those in service from the next in turn,
        then those resting, the soonest back first."""
        now = self.clock()
        start = next(self._turn)
        count = len(self.urls)
        rotated = [(start + step) % count for step in range(count)]
        serving = [i for i in rotated if self.out_until[i] <= now]
        resting = sorted((i for i in rotated if self.out_until[i] > now),
                         key=lambda i: self.out_until[i])
        return serving + resting

    def failed(self, instance: int) -> None:
        if self.out_until[instance] <= self.clock():
            log.warning("Meilisearch instance %d (%s) failed: taken out for %g s",
                        instance, _where(self.urls[instance]), self.takeout_seconds)
        self.out_until[instance] = self.clock() + self.takeout_seconds

    def answered(self, instance: int) -> None:
        if self.out_until[instance]:
            log.warning("Meilisearch instance %d (%s) answers again: back in service",
                        instance, _where(self.urls[instance]))
            self.out_until[instance] = 0.0

    def in_service(self) -> list[bool]:
        now = self.clock()
        return [until <= now for until in self.out_until]


def _where(url: str) -> str:
    """Host and port only (never a key or a path)."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or ''}"


class MeiliReplicas:
    """The search path's client (``post``, like :class:`MeiliHttp`) over several instances."""

    def __init__(self, clients: Sequence[MeiliHttp], instances: Instances) -> None:
        self.clients = list(clients)
        self.instances = instances
        self.observers: list[Observer] = []
        for client in self.clients:
            client.observers = self.observers  # one list: observers see every instance

    async def post(self, path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        failure: MeiliHttpError | None = None
        answer: tuple[int, dict[str, str], bytes] | None = None
        for instance in self.instances.order()[:ATTEMPTS]:
            try:
                answer = await self.clients[instance].post(path, body)
            except MeiliHttpError as exc:
                self.instances.failed(instance)
                failure = exc
                continue
            if answer[0] >= 500:
                self.instances.failed(instance)
                continue
            self.instances.answered(instance)
            return answer
        if answer is not None:
            return answer  # a 5xx: the caller says the search is unavailable
        assert failure is not None
        raise failure

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()


class ReplicaTransport(httpx.AsyncBaseTransport):
    """The same for httpx (the API's and the worker's other reads): each request goes to
    an instance in service, and once more to another after a transport error or a 5xx."""

    def __init__(self, inner: httpx.AsyncBaseTransport, instances: Instances) -> None:
        self.inner = inner
        self.instances = instances
        self.bases = [httpx.URL(url) for url in instances.urls]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        failure: httpx.TransportError | None = None
        response: httpx.Response | None = None
        for instance in self.instances.order()[:ATTEMPTS]:
            if response is not None:
                await response.aclose()
            base = self.bases[instance]
            request.url = request.url.copy_with(scheme=base.scheme, host=base.host,
                                                port=base.port)
            request.headers["Host"] = base.netloc.decode("ascii")
            try:
                response = await self.inner.handle_async_request(request)
            except httpx.TransportError as exc:
                self.instances.failed(instance)
                failure = exc
                continue
            if response.status_code >= 500:
                self.instances.failed(instance)
                continue
            self.instances.answered(instance)
            return response
        if response is not None:
            return response
        assert failure is not None
        raise failure

    async def aclose(self) -> None:
        await self.inner.aclose()
