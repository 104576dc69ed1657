"""Executing a compiled search request: plan, cache, one multi-search, projection, orjson.

:meth:`SearchExecutor.execute` answers with the response body, or None when the request is
for graphql-core: not compiled (yet), variables that do not coerce, input the service
rejects, anything that would make an error. It has no side effects other than the
Meilisearch and Redis reads and the cache, so graphql-core can then run the request anew.

A search whose text found nothing (a dead end, see :meth:`SearchService.relaxed`) gets its
relaxed search here too, in a second multi-search; the Meilisearch part then held for it
(and cached, and served stale) is both answers: ``{"results": [...], "relaxed": [...]}``.

A failed Meilisearch search is answered from a stale cache entry when the process holds
one (marked ``"extensions": {"stale": true}``), and so is, for :data:`SEARCH_DOWN_SECONDS`
after a failure, any search with one, without waiting for Meilisearch again; otherwise a
failed search, like failed seat counts, is raised as :class:`HandOver`: strawberry answers
the request without calling the failed dependency again (``api.search.failures``).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any

import orjson

from api.context import Resources
from api.graphql.strings import has_unencodable
from api.search.cache import (
    RESPONSE,
    TEMPLATE,
    Entry,
    Lookup,
    SearchCache,
    mark_stale,
    part_key,
)
from api.search.failures import HandOver
from api.search.queries import search_request
from api.search.runtime import Menus, SearchRuntime
from core.errors import ServiceUnavailable
from core.outages import REGISTRATIONS, SEARCH, registrations_outage
from core.redis_clients import master_address
from core.redis_reads import RedisReads
from core.reference import Reference
from core.search.facets import total_hits
from core.search.meili import MultiSearch
from core.search.service import SearchCall, SearchService
from core.visits.seats import active_registrations_key

from .course_fields import CLOSES_HOURS_BEFORE, MENUS, NOW, REFERENCE, SEATS, upcoming_visits
from .operation import CompiledOperation, RequestPlan, SearchRoot
from .plan import Fallback, Projection
from .registry import Registry
from .seat_template import SeatMarkers, SeatTemplate, meili_of, template_of

log = logging.getLogger(__name__)

# After a failed search, a search with a stale entry is answered from it at once for this
# long, instead of waiting for Meilisearch's deadline again; then one is sent again.
SEARCH_DOWN_SECONDS = 5.0


@dataclass
class Stats:
    compiled: int = 0  # requests answered by the compiled path
    fallbacks: int = 0  # requests it handed to graphql-core
    by_reason: dict[str, int] = field(default_factory=dict)

    def fallback(self, reason: str) -> None:
        self.fallbacks += 1
        self.by_reason[reason] = self.by_reason.get(reason, 0) + 1


class SearchExecutor:
    """One per API process."""

    def __init__(self, registry: Registry[CompiledOperation], service: SearchService,
                 multi_search: MultiSearch, reference: Reference, menus: Menus, reads: RedisReads,
                 cache: SearchCache | None, closes_hours_before: int = 24) -> None:
        self.registry = registry
        self.service = service
        self.multi_search = multi_search
        self.reference = reference
        self.menus = menus
        self.reads = reads
        self.cache = cache
        self.closes_hours_before = closes_hours_before  # REGISTRATION_CLOSES_HOURS_BEFORE
        self.stats = Stats()
        self._search_failed_at = -SEARCH_DOWN_SECONDS  # when a search last failed

    async def execute(self, body: bytes) -> bytes | None:
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            return self._fallback("json")
        if not isinstance(payload, dict):
            return self._fallback("not an object")
        query, name = payload.get("query"), payload.get("operationName")
        raw_variables = payload.get("variables")
        if raw_variables is None:
            raw_variables = {}
        if not isinstance(query, str) or not isinstance(raw_variables, dict) or not (
                name is None or isinstance(name, str)):
            return self._fallback("request shape")
        compiled = self.registry.get(query, name)
        if compiled is None:
            return self._fallback("not compiled")
        if has_unencodable(raw_variables):  # strawberry names the argument
            return self._fallback("text")
        lookup = None
        if self.cache is not None:  # a Redis read it starts overlaps planning
            lookup = self.cache.lookup(hashlib.blake2b(
                compiled.cache_id + orjson.dumps(raw_variables, option=orjson.OPT_SORT_KEYS),
                digest_size=20).digest())
        try:
            variables = compiled.coerce(raw_variables)
            if variables is None:
                return self._fallback("variables")
            plan = compiled.plan(variables)
            if plan is None:
                return self._fallback("selection")
            answer = await self._run(compiled, plan, variables, lookup)
        except HandOver:
            raise
        except Fallback as exc:
            log.debug("compiled search falls back: %s", exc)
            return self._fallback("projection")
        except Exception as exc:  # input errors and the like: graphql-core reports them
            return self._fallback(type(exc).__name__)
        finally:
            if lookup is not None:
                lookup.discard()
        self.stats.compiled += 1
        return answer

    def _fallback(self, reason: str) -> bytes | None:
        self.stats.fallback(reason)
        return None

    async def _run(self, compiled: CompiledOperation, plan: RequestPlan, variables: Any,
                   lookup: Lookup | None) -> bytes:
        if lookup is not None and lookup.may_hit:  # a likely hit is answered unplanned
            _, entry = await lookup.result()
            held = _held(entry, self.service.clock())
            if held is not None:  # only valid requests were stored; planning is pure
                return await self._fill(plan, held, False)
        calls: list[SearchCall] = []
        for root in plan.roots:
            if isinstance(root, SearchRoot):
                kwargs = compiled.search_kwargs(root, variables)
                calls.append(self.service.plan_search(search_request(root.selection, **kwargs)))
        version, entry = await lookup.result() if lookup is not None else (None, None)
        # A look-up without a version could not read Redis: seat counts would fail too.
        redis_down = lookup is not None and version is None
        held = _held(entry, self.service.clock())
        if held is not None:
            return await self._fill(plan, held, redis_down)
        if entry is not None:  # a template that no longer holds: projected anew
            return await self._project(plan, variables, calls, orjson.loads(_meili(entry)),
                                       redis_down)
        if time.monotonic() - self._search_failed_at < SEARCH_DOWN_SECONDS:
            stale = await self._stale(plan, variables, calls, lookup, None, redis_down)
            if stale is not None:  # Meilisearch failed moments ago: do not wait for it
                return stale
        try:
            meili, answer = await self._search(calls, lookup)
        except Exception as exc:
            self._search_failed_at = time.monotonic()
            stale = await self._stale(plan, variables, calls, lookup, exc, redis_down)
            if stale is None:
                raise HandOver(SEARCH, exc) from exc
            return stale
        template = self._render(plan, variables, calls, answer)
        body = await self._fill(plan, template, redis_down)
        if self.cache is not None and lookup is not None and version is not None:
            until = min((call.fresh_until for call in calls), default=math.inf)
            if plan.dynamic:
                await self.cache.store(lookup.key, version, TEMPLATE, template.pack(meili),
                                       min(until, template.until))
            else:
                await self.cache.store(lookup.key, version, RESPONSE, body, until)
        return body

    async def _search(self, calls: list[SearchCall], lookup: Lookup | None
                      ) -> tuple[bytes, dict[str, Any]]:
        """Meilisearch's answer to the calls' queries, as sent and parsed; with the answer
        to the relaxed searches of their dead ends, when there are any, under
        ``"relaxed"``."""
        results = await self._results([q for call in calls for q in call.queries], lookup)
        answer: dict[str, Any] = {"results": results}
        relaxed = []
        start = 0
        for call in calls:
            end = start + len(call.queries)
            if total_hits(results[start]) == 0:  # maybe a dead end
                again = self.service.relaxed(
                    self.service.read_search_raw(call, results[start:end]))
                if again is not None:
                    relaxed.append(again)
            start = end
        if relaxed:
            answer["relaxed"] = await self._results(
                [q for call in relaxed for q in call.queries], lookup)
        return orjson.dumps(answer), answer

    async def _results(self, queries: list[Any], lookup: Lookup | None) -> list[Any]:
        """Meilisearch's results for ``queries``: those the cache holds as parts from it,
        the others in one multi-search (then held as parts)."""
        if not queries:
            return []
        version = (await lookup.result())[0] if lookup is not None else None
        if self.cache is None or lookup is None or version is None:
            results: list[Any] = orjson.loads(await self.multi_search.raw(queries))["results"]
            return results
        keys = [part_key(orjson.dumps(q, option=orjson.OPT_SORT_KEYS)) for q in queries]
        version, held = await self.cache.parts(keys, version, lookup.version_read)
        missing = [number for number, part in enumerate(held) if part is None]
        found: list[Any] = []
        if missing:
            found = orjson.loads(await self.multi_search.raw(
                [queries[number] for number in missing]))["results"]
        results = [None if part is None else orjson.loads(part) for part in held]
        fetched = list(zip(missing, found, strict=True))
        for number, result in fetched:
            results[number] = result
        if version is not None and fetched:
            await self.cache.store_parts(
                version, [(keys[number], orjson.dumps(result)) for number, result in fetched])
        return results

    async def _stale(self, plan: RequestPlan, variables: Any, calls: list[SearchCall],
                     lookup: Lookup | None, failure: Exception | None, redis_down: bool
                     ) -> bytes | None:
        """The answer from a stale entry, marked so, when one is held (Meilisearch failed
        with ``failure``, or moments ago)."""
        stale = self.cache.stale(lookup.key) if self.cache is not None and lookup else None
        if stale is None:
            return None
        if stale.kind == RESPONSE:
            return mark_stale(stale.payload)
        try:
            return mark_stale(await self._project(plan, variables, calls,
                                                  orjson.loads(_meili(stale)), redis_down))
        except HandOver as handover:  # seats failed too: strawberry must call neither
            handover.failures[SEARCH] = failure or ServiceUnavailable(SEARCH)
            raise

    async def _project(self, plan: RequestPlan, variables: Any, calls: list[SearchCall],
                       answer: dict[str, Any], redis_down: bool = False) -> bytes:
        return await self._fill(plan, self._render(plan, variables, calls, answer),
                                redis_down)

    def _render(self, plan: RequestPlan, variables: Any, calls: list[SearchCall],
                answer: dict[str, Any]) -> SeatTemplate:
        """The response to ``answer`` (Meilisearch's), its seats left still to be read."""
        results, relaxed_results = answer["results"], answer.get("relaxed", [])
        # The service's clock, which also dates the "upcoming" study visits it counts.
        now = datetime.datetime.fromtimestamp(self.service.clock(), datetime.UTC)
        extras: dict[str, Any] = {REFERENCE: self.reference, MENUS: self.menus, NOW: now,
                                  CLOSES_HOURS_BEFORE: self.closes_hours_before}
        projection = Projection(variables, extras)
        pages = []
        start = relaxed_start = 0
        roots = [root for root in plan.roots if isinstance(root, SearchRoot)]
        for search, call in zip(roots, calls, strict=True):
            end = start + len(call.queries)
            shown = [projection.args(f) or {} for f in search.facet_values]
            limit = max((int(args.get("first", 0)) for args in shown), default=0)
            page = self.service.read_search_raw(call, results[start:end], limit)
            relaxed = self.service.relaxed(page)
            if relaxed is not None:  # the dead end's relaxed search, sent by _search
                relaxed_end = relaxed_start + len(relaxed.queries)
                if relaxed_end > len(relaxed_results):
                    raise Fallback("dead end without its relaxed search")
                page = self.service.read_search_raw(
                    relaxed, relaxed_results[relaxed_start:relaxed_end], limit)
                relaxed_start = relaxed_end
            pages.append(page)
            start = end
        markers = extras[SEATS] = SeatMarkers()
        data: dict[str, Any] = {}
        pending = iter(pages)
        for entry in plan.roots:
            if isinstance(entry, str):
                data[entry] = "Query"
            else:
                data[entry.key] = projection.object(entry.plan, next(pending))
        until = math.inf  # the first start of a visit listed: it then leaves the list
        if plan.dynamic:
            until = min((v.start.timestamp() for page in pages for doc in page.documents
                         for v in upcoming_visits(doc, now)), default=math.inf)
        return markers.template(orjson.dumps({"data": data}), until)

    async def _fill(self, plan: RequestPlan, template: SeatTemplate, redis_down: bool
                    ) -> bytes:
        """The response of ``template`` with the seats left read now."""
        if not plan.seats:
            return template.fill({})
        if redis_down:
            raise HandOver(REGISTRATIONS, ServiceUnavailable(REGISTRATIONS))
        ids = template.visit_ids()
        try:
            with registrations_outage():
                counts = await self.reads.execute(
                    *[("SCARD", active_registrations_key(i)) for i in ids]) if ids else []
        except ServiceUnavailable as exc:
            raise HandOver(REGISTRATIONS, exc) from exc
        return template.fill(dict(zip(ids, counts, strict=True)))


def _held(entry: Entry | None, now: float) -> SeatTemplate | None:
    """The response an entry holds, seats left still to be read; None when there is none
    or its template no longer holds at ``now`` (a visit it lists has started)."""
    if entry is None:
        return None
    if entry.kind == RESPONSE:
        return SeatTemplate(b"", [entry.payload], [])
    if entry.kind == TEMPLATE:
        template = template_of(entry.payload)
        if template.until > now:
            return template
    return None


def _meili(entry: Entry) -> bytes:
    """Meilisearch's answer held in a template's (or an older process's) entry."""
    return meili_of(entry.payload) if entry.kind == TEMPLATE else entry.payload


def search_executor(registry: Registry[CompiledOperation], resources: Resources,
                    runtime: SearchRuntime) -> SearchExecutor:
    """The process's executor, with the cache the settings ask for."""
    settings = resources.settings
    locate = functools.partial(master_address, settings) if settings.redis_sentinels else None
    reads = RedisReads(settings.redis_url, timeout=settings.redis_timeout_seconds,
                       locate=locate)
    cache = None
    if settings.search_cache_size > 0:
        cache = SearchCache(resources.redis, reads, settings.meili_index,
                            settings.search_cache_size, shared=settings.search_cache_redis,
                            stale_seconds=settings.search_stale_seconds,
                            wall_clock=lambda: runtime.service.clock())
    return SearchExecutor(registry, runtime.service, runtime.multi_search, resources.reference,
                          runtime.menus, reads, cache,
                          closes_hours_before=settings.registration_closes_hours_before)
