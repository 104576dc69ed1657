"""Sending searches to Meilisearch: one multi-search per call, on the pooled async client.

Bodies are encoded and decoded with orjson; the client (``core.meili_http``, far cheaper
than httpx per request) asks for identity encoding, since compressing on the loopback costs
far more than it saves.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import orjson

from core.errors import ServiceUnavailable
from core.meili_http import MeiliHttp
from core.meili_replicas import MeiliReplicas
from core.outages import SEARCH, search_outage

Query = dict[str, Any]
Runner = Callable[[Sequence[Query]], Awaitable[list[dict[str, Any]]]]


class MeilisearchError(RuntimeError):
    """Meilisearch answered a search with an error (a bug on our side, or it is down)."""


def multi_search_body(index_uid: str, queries: Sequence[Query]) -> bytes:
    """The JSON body of ``POST /multi-search`` for queries on one index."""
    return orjson.dumps({"queries": [{"indexUid": index_uid, **query} for query in queries]})


class MultiSearch:
    """A :data:`Runner`: all queries of one call in one ``POST /multi-search``."""

    def __init__(self, http: MeiliHttp | MeiliReplicas, index_uid: str) -> None:
        self.http = http
        self.index_uid = index_uid

    async def raw(self, queries: Sequence[Query]) -> bytes:
        """The answer's JSON body as it came (``{"results": [...]}``).

        Raises :class:`ServiceUnavailable` when Meilisearch does not answer in time.
        """
        with search_outage():
            status, _, body = await self.http.post("/multi-search",
                                                   multi_search_body(self.index_uid, queries))
        if status >= 500:  # Meilisearch is there but cannot serve (e.g. out of space)
            raise ServiceUnavailable(SEARCH)
        if status != 200:
            raise MeilisearchError(
                f"Meilisearch multi-search failed with {status}: "
                f"{body[:500].decode('utf-8', 'replace')}"
            )
        return body

    async def __call__(self, queries: Sequence[Query]) -> list[dict[str, Any]]:
        if not queries:
            return []
        results: list[dict[str, Any]] = orjson.loads(await self.raw(queries))["results"]
        return results
