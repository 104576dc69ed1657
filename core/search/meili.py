"""Sending searches to Meilisearch: one multi-search per call, on the pooled async client.

Bodies are encoded and decoded with orjson; the client asks for identity encoding
(see ``core.meili_client``), since compressing on the loopback costs far more than it saves.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx
import orjson

Query = dict[str, Any]
Runner = Callable[[Sequence[Query]], Awaitable[list[dict[str, Any]]]]


class MeilisearchError(RuntimeError):
    """Meilisearch answered a search with an error (a bug on our side, or it is down)."""


def multi_search_body(index_uid: str, queries: Sequence[Query]) -> bytes:
    """The JSON body of ``POST /multi-search`` for queries on one index."""
    return orjson.dumps({"queries": [{"indexUid": index_uid, **query} for query in queries]})


class MultiSearch:
    """A :data:`Runner`: all queries of one call in one ``POST /multi-search``."""

    def __init__(self, client: httpx.AsyncClient, index_uid: str) -> None:
        self.client = client
        self.index_uid = index_uid

    async def __call__(self, queries: Sequence[Query]) -> list[dict[str, Any]]:
        if not queries:
            return []
        response = await self.client.post(
            "/multi-search", content=multi_search_body(self.index_uid, queries)
        )
        if response.status_code != 200:
            raise MeilisearchError(
                f"Meilisearch multi-search failed with {response.status_code}: "
                f"{response.text[:500]}"
            )
        results: list[dict[str, Any]] = orjson.loads(response.content)["results"]
        return results
