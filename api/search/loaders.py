"""Per-request batching: all Meilisearch queries of one GraphQL request go in one
multi-search, and all seat counts in one Redis pipeline.

Root fields (aliases included) are resolved concurrently; their queries are collected by
a DataLoader stored on the request and sent together when the event loop turns. A
dependency that already failed this request on the compiled path is not asked again
(``api.search.failures``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.context import Context
from api.search.failures import raise_remembered
from core.outages import REGISTRATIONS, SEARCH
from core.search.meili import Query, Runner
from core.visits.seats import seats_taken
from core.visits.waitlist_reads import waitlist_lengths

_MEILI = "search_meili_loader"
_SEATS = "search_seats_loader"
_WAITLISTS = "visits_waitlist_loader"


def meili_runner(info: Info[Context, None]) -> Runner:
    """The request's runner: queries from every resolver of the request share one batch."""
    state = info.context.request.state
    loader: DataLoader[Query, dict[str, Any]] | None = getattr(state, _MEILI, None)
    if loader is None:
        request = info.context.request
        multi_search = request.app.state.search.multi_search

        async def run(queries: list[Query]) -> list[dict[str, Any]]:
            raise_remembered(request, SEARCH)  # the compiled path's search failed: not again
            results: list[dict[str, Any]] = await multi_search(queries)
            return results

        loader = DataLoader(load_fn=run, cache=False)
        setattr(state, _MEILI, loader)

    async def runner(queries: Sequence[Query]) -> list[dict[str, Any]]:
        return await loader.load_many(queries)

    return runner


def seats_taken_loader(info: Info[Context, None]) -> DataLoader[str, int]:
    """Seats taken per study-visit id, batched over the whole request."""
    return _per_visit_loader(info, _SEATS, seats_taken)


def waitlist_length_loader(info: Info[Context, None]) -> DataLoader[str, int]:
    """Waitlist lengths per study-visit id, batched over the whole request."""
    return _per_visit_loader(info, _WAITLISTS, waitlist_lengths)


def _per_visit_loader(
    info: Info[Context, None], attribute: str,
    read: Callable[[Any, list[str]], Awaitable[Mapping[str, int]]],
) -> DataLoader[str, int]:
    """One loader per request (kept on the request's state under ``attribute``) of a count
    per visit id that ``read`` takes from Redis in one batch."""
    state = info.context.request.state
    loader: DataLoader[str, int] | None = getattr(state, attribute, None)
    if loader is None:
        redis = info.context.resources.redis
        request = info.context.request

        async def load(visit_ids: list[str]) -> list[int]:
            raise_remembered(request, REGISTRATIONS)
            counts = await read(redis, visit_ids)
            return [counts[visit_id] for visit_id in visit_ids]

        loader = DataLoader(load_fn=load)
        setattr(state, attribute, loader)
    return loader
