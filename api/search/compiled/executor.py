"""Executing a compiled search request: plan, cache, one multi-search, projection, orjson.

:meth:`SearchExecutor.execute` answers with the response body, or None when the request is
for graphql-core: not compiled (yet), variables that do not coerce, input the service
rejects, anything that would make an error. It has no side effects other than the
Meilisearch and Redis reads and the cache, so graphql-core can then run the request anew.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

import orjson

from api.context import Resources
from api.search.cache import MEILI, RESPONSE, Lookup, SearchCache
from api.search.queries import search_request
from api.search.runtime import Menus, SearchRuntime
from core.redis_reads import RedisReads
from core.reference import Reference
from core.search.meili import MultiSearch
from core.search.service import SearchCall, SearchService
from core.visits.seats import active_registrations_key

from .course_fields import MENUS, NOW, REFERENCE, SEATS, upcoming_visits
from .operation import CompiledOperation, RequestPlan, SearchRoot
from .plan import Fallback, Projection
from .registry import Registry

log = logging.getLogger(__name__)


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

    def __init__(self, registry: Registry, service: SearchService, multi_search: MultiSearch,
                 reference: Reference, menus: Menus, reads: RedisReads,
                 cache: SearchCache | None) -> None:
        self.registry = registry
        self.service = service
        self.multi_search = multi_search
        self.reference = reference
        self.menus = menus
        self.reads = reads
        self.cache = cache
        self.stats = Stats()

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
            if entry is not None and entry.kind == RESPONSE:
                return entry.payload  # only valid requests were stored; planning is pure
        calls: list[SearchCall] = []
        for root in plan.roots:
            if isinstance(root, SearchRoot):
                kwargs = compiled.search_kwargs(root, variables)
                calls.append(self.service.plan_search(search_request(root.selection, **kwargs)))
        version, entry = await lookup.result() if lookup is not None else (None, None)
        if entry is not None and entry.kind == RESPONSE:
            return entry.payload
        if entry is not None:
            return await self._project(plan, variables, calls, entry.payload)
        queries = [q for call in calls for q in call.queries]
        meili = await self.multi_search.raw(queries) if queries else b'{"results":[]}'
        answer = await self._project(plan, variables, calls, meili)
        if self.cache is not None and lookup is not None and version is not None:
            if plan.dynamic:
                await self.cache.store(lookup.key, version, MEILI, meili)
            else:
                await self.cache.store(lookup.key, version, RESPONSE, answer)
        return answer

    async def _project(self, plan: RequestPlan, variables: Any, calls: list[SearchCall],
                       meili: bytes) -> bytes:
        results = orjson.loads(meili)["results"]
        now = datetime.datetime.now(datetime.UTC)
        extras: dict[str, Any] = {REFERENCE: self.reference, MENUS: self.menus, NOW: now}
        projection = Projection(variables, extras)
        pages = []
        start = 0
        roots = [root for root in plan.roots if isinstance(root, SearchRoot)]
        for search, call in zip(roots, calls, strict=True):
            end = start + len(call.queries)
            shown = [projection.args(f) or {} for f in search.facet_values]
            limit = max((int(args.get("first", 0)) for args in shown), default=0)
            page = self.service.read_search_raw(call, results[start:end], limit)
            if self.service.relaxed(page) is not None:  # a second search: graphql-core's
                raise Fallback("dead end")
            pages.append(page)
            start = end
        if plan.seats:
            ids = list(dict.fromkeys(v.raw["id"] for page in pages for doc in page.documents
                                     for v in upcoming_visits(doc, now)))
            counts = await self.reads.execute(*[("SCARD", active_registrations_key(i))
                                                for i in ids]) if ids else []
            extras[SEATS] = dict(zip(ids, counts, strict=True))
        data: dict[str, Any] = {}
        pending = iter(pages)
        for entry in plan.roots:
            if isinstance(entry, str):
                data[entry] = "Query"
            else:
                data[entry.key] = projection.object(entry.plan, next(pending))
        return orjson.dumps({"data": data})


def search_executor(registry: Registry, resources: Resources, runtime: SearchRuntime
                    ) -> SearchExecutor:
    """The process's executor, with the cache the settings ask for."""
    settings = resources.settings
    reads = RedisReads(settings.redis_url)
    cache = None
    if settings.search_cache_size > 0:
        cache = SearchCache(resources.redis, reads, settings.meili_index,
                            settings.search_cache_size, shared=settings.search_cache_redis)
    return SearchExecutor(registry, runtime.service, runtime.multi_search, resources.reference,
                          runtime.menus, reads, cache)
