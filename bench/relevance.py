"""Search relevance: a judged query set against a fresh index of a generated catalogue.

    .venv/bin/python bench/relevance.py [--configs baseline,current] [--quick] [--worst N]
                                        [--courses 4000] [--providers 160]

Starts its own Meilisearch on a free loopback port with a temporary data folder,
generates the catalogue (deterministic: fixed date and seed), builds one index per
configuration (its index settings) and runs every query of ``bench/relevance/queries.json``
through the search service with that configuration's query understanding, as the API
does. Prints, side by side for each configuration:

- **P@10**: mean over the answerable queries of the share of relevant courses among the
  first 10 results (0 for a query with no result);
- **nDCG@10** with binary gains, the ideal ranking having min(10, relevant courses) hits;
- **place recall@20**: for queries that name a place, the share of the relevant courses
  there (up to 20) found in the first 20 results;
- **zero-result rate** of the answerable queries, and how many of the queries with no
  right answer got results anyway;
- **p50 latency** of a search (ms, through the service, relaxation included).

A course is relevant to a query when its SSYK code is among the query's judged codes
(any code for a place-only query) and, when the query names a place, it is held in that
municipality or region. A query is answerable when the catalogue holds a relevant course;
the others (judged with no code, or a trade the catalogue lacks in that place) count
only in "unanswerable with hits". ``--quick`` uses a smaller catalogue; the test suite runs it
with thresholds (``tests/integration/test_relevance_bench.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import math
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from meilisearch import Client  # noqa: E402

from core.meili_http import MeiliHttp  # noqa: E402
from core.reference import Reference, load_reference  # noqa: E402
from core.search.meili import MultiSearch  # noqa: E402
from core.search.model import SearchRequest  # noqa: E402
from core.search.providers import ProviderDirectory  # noqa: E402
from core.search.service import SearchService  # noqa: E402
from core.search.understanding import Understanding  # noqa: E402
from core.search.vocabulary import Language  # noqa: E402
from devstack.meilisearch_binary import ensure_meilisearch  # noqa: E402
from devstack.processes import free_port, start_meilisearch  # noqa: E402
from devstack.sample_feeds import generate_feeds  # noqa: E402
from indexer.documents import to_search_document  # noqa: E402
from indexer.index_settings import (  # noqa: E402
    SEARCHABLE_ATTRIBUTES,
    STOP_WORDS,
    index_settings,
    occupation_synonyms,
)

QUERIES = Path(__file__).resolve().parent / "relevance" / "queries.json"
TODAY = datetime.date(2026, 11, 23)
SEED = 20261123
ATTRIBUTES = frozenset({"occupationCode", "municipalityCode", "regionCode"})

# The index settings and query handling before the relevance work (issue 17).
BASELINE_SETTINGS: dict[str, Any] = {
    "searchableAttributes": ["title", "titleEn", "occupationName", "occupationNameEn",
                             "providerName", "municipalityName", "regionName", "description",
                             "descriptionEn", "certificate"],
    "rankingRules": ["words", "sort", "typo", "proximity", "attribute", "exactness"],
    "stopWords": [],
}
OFF = Understanding(interpret_places=False, relax_dead_ends=False, matching_strategy="last")


@dataclass(frozen=True)
class Configuration:
    """Index settings (changes to the indexer's) and the service's query understanding."""

    name: str
    settings: Callable[[Reference], dict[str, Any]]
    understanding: Understanding


def _with(changes: dict[str, Any]) -> Callable[[Reference], dict[str, Any]]:
    return lambda reference: {**index_settings(reference), **changes}


# The steps of the relevance work, each on top of the one before, then the current
# settings with one step left out.
PLACES = replace(OFF, interpret_places=True)
PLACES_RELAX = replace(PLACES, relax_dead_ends=True)
WITHOUT_KEYWORDS = [a for a in SEARCHABLE_ATTRIBUTES if a != "occupationKeywords"]
# Before the taxonomy's names and keywords (step 2).
WITHOUT_NAMES = [a for a in WITHOUT_KEYWORDS if a != "occupationNames"]
ORDERED = {**BASELINE_SETTINGS, "searchableAttributes": WITHOUT_NAMES}


def _english_names_as_synonyms(reference: Reference) -> dict[str, Any]:
    """The current settings with each group's English name among its job titles' synonyms."""
    named = replace(reference, occupations={
        code: replace(o, synonyms_en=(*o.synonyms_en, o.name_en))
        for code, o in reference.occupations.items()})
    return {**index_settings(reference), "synonyms": occupation_synonyms(named)}


CONFIGURATIONS: dict[str, Configuration] = {
    "baseline": Configuration("baseline", _with(BASELINE_SETTINGS), OFF),
    "places": Configuration("places", _with(BASELINE_SETTINGS), PLACES),
    "places+relax": Configuration("places+relax", _with(BASELINE_SETTINGS), PLACES_RELAX),
    "+attributes": Configuration("+attributes", _with(ORDERED), PLACES_RELAX),
    "+stop-words": Configuration("+stop-words", _with({**ORDERED, "stopWords": STOP_WORDS}),
                                 PLACES_RELAX),
    "current": Configuration("current", index_settings, Understanding()),
    "current-no-places": Configuration("current-no-places", index_settings,
                                       replace(Understanding(), interpret_places=False)),
    "current-no-relax": Configuration("current-no-relax", index_settings,
                                      replace(Understanding(), relax_dead_ends=False)),
    "current-last-words": Configuration("current-last-words", index_settings,
                                        replace(Understanding(), matching_strategy="last")),
    "current-no-names": Configuration("current-no-names",
                                      _with({"searchableAttributes": WITHOUT_NAMES}),
                                      Understanding()),
    "attributes-no-places": Configuration("attributes-no-places", _with(ORDERED),
                                          replace(PLACES_RELAX, interpret_places=False)),
    "current-no-keywords": Configuration("current-no-keywords",
                                         _with({"searchableAttributes": WITHOUT_KEYWORDS}),
                                         Understanding()),
    "current+name-synonyms": Configuration("current+name-synonyms",
                                           _english_names_as_synonyms, Understanding()),
    "baseline+relax": Configuration("baseline+relax", _with(BASELINE_SETTINGS),
                                    replace(PLACES_RELAX, interpret_places=False)),
}


@dataclass(frozen=True)
class JudgedQuery:
    q: str
    language: Language
    kind: str
    occupations: frozenset[str] | None  # None: any occupation (a place-only query)
    municipality: str | None
    region: str | None

    @property
    def has_place(self) -> bool:
        return self.municipality is not None or self.region is not None

    def relevant(self, doc: dict[str, Any]) -> bool:
        if self.occupations is not None and doc["occupationCode"] not in self.occupations:
            return False
        if self.municipality is not None and doc["municipalityCode"] != self.municipality:
            return False
        return self.region is None or doc["regionCode"] == self.region


def load_queries(path: Path = QUERIES) -> list[JudgedQuery]:
    raw = json.loads(path.read_text(encoding="utf-8"))["queries"]
    queries = []
    for item in raw:
        place = item.get("place") or {}
        occupations = item["occupations"]
        queries.append(JudgedQuery(
            item["q"], Language(item["language"]), item["kind"],
            None if occupations is None else frozenset(occupations),
            place.get("municipality"), place.get("region")))
    return queries


@dataclass
class Scores:
    precision: list[float] = field(default_factory=list)
    ndcg: list[float] = field(default_factory=list)
    place_recall: list[float] = field(default_factory=list)
    zero: int = 0
    answerable: int = 0
    unanswerable_with_hits: int = 0
    unanswerable: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    per_query: list[tuple[str, float, int]] = field(default_factory=list)  # text, P@10, hits

    def summary(self) -> dict[str, float]:
        return {
            "p@10": statistics.fmean(self.precision),
            "ndcg@10": statistics.fmean(self.ndcg),
            "place_recall@20": statistics.fmean(self.place_recall),
            "zero_rate": self.zero / self.answerable,
            "answerable": float(self.answerable),
            "unanswerable_with_hits": float(self.unanswerable_with_hits),
            "p50_ms": statistics.median(self.latencies_ms),
        }


def score_query(query: JudgedQuery, hits: Sequence[dict[str, Any]], relevant_total: int,
                scores: Scores) -> None:
    """Add one query's figures (its first 20 hits, the relevant courses in the index)."""
    if not relevant_total:  # no right answer in this catalogue
        scores.unanswerable += 1
        scores.unanswerable_with_hits += bool(hits)
        return
    scores.answerable += 1
    marks = [query.relevant(doc) for doc in hits[:20]]
    top = marks[:10]
    precision = sum(top) / len(top) if top else 0.0
    scores.zero += not hits
    scores.precision.append(precision)
    scores.by_kind.setdefault(query.kind, []).append(precision)
    scores.per_query.append((query.q, precision, len(hits)))
    dcg = sum(1 / math.log2(rank + 2) for rank, hit in enumerate(top) if hit)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(10, relevant_total)))
    scores.ndcg.append(dcg / ideal if ideal else 0.0)
    if query.has_place and relevant_total:
        scores.place_recall.append(sum(marks) / min(20, relevant_total))


def catalogue(courses: int, providers: int, reference: Reference) -> list[dict[str, Any]]:
    feeds = generate_feeds(providers=providers, courses=courses, today=TODAY, seed=SEED,
                           reference=reference)
    return [to_search_document(feed["provider"], course, reference)
            for feed in feeds for course in feed["courses"]]


def build_index(client: Client, uid: str, settings: dict[str, Any],
                documents: list[dict[str, Any]]) -> None:
    """A fresh index with these settings and documents (waits for every task)."""
    index = client.index(uid)
    tasks = [client.create_index(uid, {"primaryKey": "id"}), index.update_settings(settings),
             *index.add_documents_in_batches(documents, 2000)]
    for task in tasks:
        done = client.wait_for_task(task.task_uid, timeout_in_ms=600_000)
        if done.status != "succeeded":
            raise RuntimeError(f"indexing {uid} failed: {done.error}")


async def run_configurations(url: str, key: str, indexes: dict[str, str],
                             reference: Reference, documents: list[dict[str, Any]],
                             queries: Sequence[JudgedQuery]) -> dict[str, Scores]:
    """Every query on every configuration's index, the configurations taking turns query by
    query, so that they meet the same drift of a shared machine."""
    runs = []
    for name, uid in indexes.items():
        service = SearchService(reference, ProviderDirectory(), 100,
                                understanding=CONFIGURATIONS[name].understanding)
        runs.append((name, service, MultiSearch(MeiliHttp(url, key, timeout=30.0), uid)))
    results = {name: Scores() for name in indexes}
    try:
        for query in queries:
            relevant_total = sum(query.relevant(doc) for doc in documents)
            request = SearchRequest(query=query.q, first=20, language=query.language,
                                    attributes=ATTRIBUTES)
            for name, service, multi_search in runs:
                started = time.perf_counter()
                page = await service.search(request, multi_search)
                results[name].latencies_ms.append((time.perf_counter() - started) * 1000)
                hits = [{"occupationCode": h.course.occupation_code,
                         "municipalityCode": h.course.municipality_code,
                         "regionCode": h.course.region_code} for h in page.hits]
                score_query(query, hits, relevant_total, results[name])
    finally:
        for _, _, multi_search in runs:
            await multi_search.http.aclose()
    return results


def measure(names: Sequence[str], courses: int, providers: int,
            queries: Sequence[JudgedQuery] | None = None,
            meili: tuple[str, str] | None = None) -> dict[str, Scores]:
    """Figures of each named configuration; starts a Meilisearch unless ``meili`` is given
    as (url, master key)."""
    reference = load_reference()
    queries = list(queries if queries is not None else load_queries())
    documents = catalogue(courses, providers, reference)
    with tempfile.TemporaryDirectory(prefix="bench-relevance-") as tmp:
        server = None
        if meili is None:
            key = secrets.token_urlsafe(24)
            port = free_port()
            server = start_meilisearch(ensure_meilisearch(), Path(tmp) / "meili", port, key,
                                       Path(tmp) / "meili.log")
            meili = (f"http://127.0.0.1:{port}", key)
        url, key = meili
        client = Client(url, key, timeout=120)
        indexes = {name: f"relevance_{secrets.token_hex(4)}" for name in names}
        try:
            for name, uid in indexes.items():
                build_index(client, uid, CONFIGURATIONS[name].settings(reference), documents)
            return asyncio.run(run_configurations(url, key, indexes, reference, documents,
                                                  queries))
        finally:
            for uid in indexes.values():
                client.delete_index(uid)
            if server is not None:
                server.stop()


def report(results: dict[str, Scores], courses: int, queries: int) -> str:
    names = list(results)
    summaries = {name: scores.summary() for name, scores in results.items()}
    lines = [f"{courses} courses, {queries} judged queries",
             f"{'metric':<26}" + "".join(f"{name:>24}" for name in names)]
    for metric in ["p@10", "ndcg@10", "place_recall@20", "zero_rate", "answerable",
                   "unanswerable_with_hits", "p50_ms"]:
        lines.append(f"{metric:<26}" + "".join(
            f"{summaries[name][metric]:>24.3f}" for name in names))
    kinds = sorted({kind for scores in results.values() for kind in scores.by_kind})
    for kind in kinds:
        lines.append(f"{'p@10 ' + kind:<26}" + "".join(
            f"{statistics.fmean(results[name].by_kind.get(kind, [0.0])):>24.3f}"
            for name in names))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default="baseline,current",
                        help=f"comma-separated, of: {', '.join(CONFIGURATIONS)}")
    parser.add_argument("--courses", type=int, default=4000)
    parser.add_argument("--providers", type=int, default=160)
    parser.add_argument("--quick", action="store_true", help="1,500 courses, 60 providers")
    parser.add_argument("--worst", type=int, default=0,
                        help="also list this many queries with the lowest P@10 per configuration")
    args = parser.parse_args(argv)
    courses, providers = (1500, 60) if args.quick else (args.courses, args.providers)
    names = [name.strip() for name in args.configs.split(",") if name.strip()]
    unknown = [name for name in names if name not in CONFIGURATIONS]
    if unknown:
        parser.error(f"unknown configurations: {', '.join(unknown)}")
    queries = load_queries()
    results = measure(names, courses, providers, queries)
    print(report(results, courses, len(queries)))
    for name, scores in results.items() if args.worst else ():
        worst = sorted(scores.per_query, key=lambda item: item[1])[:args.worst]
        print(f"{name}: " + "; ".join(f"{q!r} {p:.1f} ({n} hits)" for q, p, n in worst))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
