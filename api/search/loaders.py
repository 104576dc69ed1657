"""Per-request batching: all Meilisearch queries of one GraphQL request go in one
multi-search, and all seat counts in one Redis pipeline.

Root fields (aliases included) are resolved concurrently; their queries are collected by
a DataLoader stored on the request and sent together when the event loop turns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.context import Context
from core.search.meili import Query, Runner
from core.visits.seats import seats_taken

_MEILI = "search_meili_loader"
_SEATS = "search_seats_loader"


def meili_runner(info: Info[Context, None]) -> Runner:
    """The request's runner: queries from every resolver of the request share one batch."""
    state = info.context.request.state
    loader: DataLoader[Query, dict[str, Any]] | None = getattr(state, _MEILI, None)
    if loader is None:
        multi_search = info.context.request.app.state.search.multi_search

        async def run(queries: list[Query]) -> list[dict[str, Any]]:
            results: list[dict[str, Any]] = await multi_search(queries)
            return results

        loader = DataLoader(load_fn=run, cache=False)
        setattr(state, _MEILI, loader)

    async def runner(queries: Sequence[Query]) -> list[dict[str, Any]]:
        return await loader.load_many(queries)

    return runner


def seats_taken_loader(info: Info[Context, None]) -> DataLoader[str, int]:
    """Seats taken per study-visit id, batched over the whole request."""
    state = info.context.request.state
    loader: DataLoader[str, int] | None = getattr(state, _SEATS, None)
    if loader is None:
        redis = info.context.resources.redis

        async def load(visit_ids: list[str]) -> list[int]:
            taken = await seats_taken(redis, visit_ids)
            return [taken[visit_id] for visit_id in visit_ids]

        loader = DataLoader(load_fn=load)
        setattr(state, _SEATS, loader)
    return loader
