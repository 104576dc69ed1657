"""Search load test: the API's searchCourses against the same searches sent to Meilisearch.

    .venv/bin/python bench/search_load.py --api http://127.0.0.1:8000 \\
        [--duration 5] [--max-requests 20000] [--concurrency 1,8,32]

Meilisearch is read from MEILI_URL, MEILI_MASTER_KEY and MEILI_INDEX (as for the API). Both
must already run on the loopback, with the index loaded (e.g. 100,000 generated courses:
``python -m devstack sample --out DIR --courses 100000 --providers 2000`` then
``python -m indexer load DIR --rebuild``), and the API served with ``python -m api``.

For each of three query mixes (text only; text + filters + facets; geo + sort + facets) and
each concurrency, wrk (the load generator; install it with ``apt-get install -y wrk``)
sends the API's GraphQL requests, then the very multi-search bodies the API sends to
Meilisearch for them, straight to Meilisearch. Each run is bounded by --duration seconds and
--max-requests requests. It prints requests/s and p50/p95/p99 latency for both, and the ratio
API/Meilisearch. Nothing is installed or started; only loopback addresses are accepted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from api.search.selection import course_attributes
from core.reference import Reference, load_reference
from core.search.attributes import Facet
from core.search.meili import multi_search_body
from core.search.model import CourseFilter, Near, SearchRequest, SortOrder
from core.search.providers import ProviderDirectory
from core.search.service import SearchService
from core.search.vocabulary import Delivery, Language, Pace, ProgrammeType

LUA = Path(__file__).resolve().parent / "search_load.lua"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PAGE_SIZE = 20
TEXTS = ["undersköterska", "svetsare", "lastbilsförare", "kock", "elektriker", "truckförare",
         "lager", "barnskötare", "programmerare", "vård", "nursing assistant", "welder",
         "snickare", "städ", "bussförare", "undersköterka", "restaurang", "ekonomi",
         "målare", "plåtslagare", "it-support", "lokalvårdare", "svets", "cnc"]

CARD = "id title provider { name } location { municipality { name } } intake { startDate }"
# The document attributes the API fetches for CARD (see api.search.selection).
CARD_ATTRIBUTES = course_attributes(["id", "title", "provider", "location", "intake"])
FACETS = "facets { attribute min max values { value label count selected } }"
QUERIES = {
    "text": f"""query Q($q: String!) {{ searchCourses(query: $q, first: {PAGE_SIZE}) {{
        totalCount pageInfo {{ hasNextPage endCursor }}
        edges {{ cursor highlights {{ title {{ html }} description {{ html }} }}
                 node {{ {CARD} }} }} }} }}""",
    "text+filters+facets": f"""query Q($q: String!, $f: CourseFilterInput) {{
        searchCourses(query: $q, filter: $f, first: {PAGE_SIZE}) {{
        totalCount pageInfo {{ hasNextPage endCursor }}
        edges {{ cursor highlights {{ title {{ html }} }} node {{ {CARD} }} }} {FACETS} }} }}""",
    "geo+sort+facets": f"""query Q($near: NearInput, $sort: CourseSort!) {{
        searchCourses(near: $near, sort: $sort, first: {PAGE_SIZE}) {{
        totalCount pageInfo {{ hasNextPage endCursor }}
        edges {{ cursor distanceKm node {{ {CARD} }} }} {FACETS} }} }}""",
}


@dataclass(frozen=True)
class Case:
    """One search as GraphQL variables and as the core request the API builds from them."""

    variables: dict[str, Any]
    request: SearchRequest


def _text_case(rng: random.Random, reference: Reference) -> Case:
    q = rng.choice(TEXTS)
    return Case({"q": q}, SearchRequest(query=q, first=PAGE_SIZE, highlight=True,
                                        attributes=CARD_ATTRIBUTES))


def _filter_case(rng: random.Random, reference: Reference) -> Case:
    q = rng.choice(TEXTS)
    regions = rng.sample(sorted(reference.regions), rng.randint(1, 3))
    paces = rng.sample(list(Pace), 1)
    variables: dict[str, Any] = {"regions": regions, "paces": [p.name for p in paces]}
    core = CourseFilter(regions=tuple(regions), paces=tuple(paces))
    if rng.random() < 0.5:
        types = rng.sample(list(ProgrammeType), 2)
        deliveries = rng.sample(list(Delivery), 2)
        variables |= {"programmeTypes": [t.name for t in types],
                      "deliveries": [d.name for d in deliveries]}
        core = CourseFilter(regions=core.regions, paces=core.paces,
                            programme_types=tuple(types), deliveries=tuple(deliveries))
    return Case({"q": q, "f": variables},
                SearchRequest(query=q, filter=core, first=PAGE_SIZE, facets=tuple(Facet),
                              highlight=True, attributes=CARD_ATTRIBUTES))


def _geo_case(rng: random.Random, reference: Reference) -> Case:
    code = rng.choice(sorted(reference.municipalities))
    radius = rng.choice([10.0, 25.0, 50.0, 100.0])
    sort = rng.choice([SortOrder.DISTANCE, SortOrder.START_DATE_ASC])
    return Case({"near": {"municipalityCode": code, "radiusKm": radius}, "sort": sort.name},
                SearchRequest(near=Near(radius, municipality_code=code), sort=sort,
                              first=PAGE_SIZE, facets=tuple(Facet), language=Language.SV,
                              attributes=CARD_ATTRIBUTES))


MIXES: dict[str, Callable[[random.Random, Reference], Case]] = {
    "text": _text_case,
    "text+filters+facets": _filter_case,
    "geo+sort+facets": _geo_case,
}


def build_bodies(mix: str, count: int, seed: int, index_uid: str
                 ) -> tuple[list[bytes], list[bytes]]:
    """The API's request bodies and, for each, the multi-search body it sends Meilisearch."""
    reference = load_reference()
    service = SearchService(reference, ProviderDirectory(), max_page_size=100)
    rng = random.Random(f"{seed}-{mix}")
    api_bodies, meili_bodies = [], []
    for _ in range(count):
        case = MIXES[mix](rng, reference)
        api_bodies.append(json.dumps({"query": QUERIES[mix], "variables": case.variables},
                                     ensure_ascii=False).encode())
        meili_bodies.append(multi_search_body(index_uid, service.plan_search(case.request)
                                              .queries))
    return api_bodies, meili_bodies


def check_loopback(url: str, what: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        sys.exit(f"error: {what} {url} is not on the loopback; this bench only runs locally")


def preflight(api: str, meili: str, key: str, index: str,
              bodies: dict[str, tuple[list[bytes], list[bytes]]]) -> int:
    """Both answer, and the API and the direct bodies find the same number of courses."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json",
               "Accept-Encoding": "identity"}
    with httpx.Client(timeout=30) as client:
        stats = client.get(f"{meili}/indexes/{index}/stats", headers=headers)
        stats.raise_for_status()
        documents = int(stats.json()["numberOfDocuments"])
        for mix, (api_bodies, meili_bodies) in bodies.items():
            for api_body, meili_body in list(zip(api_bodies, meili_bodies, strict=True))[:3]:
                answer = client.post(f"{api}/graphql", content=api_body,
                                     headers={"Content-Type": "application/json"}).json()
                if "errors" in answer:
                    sys.exit(f"error: the API answered {mix} with {answer['errors']}")
                direct = client.post(f"{meili}/multi-search", content=meili_body,
                                     headers=headers)
                direct.raise_for_status()
                result = direct.json()["results"][0]
                total = result.get("totalHits", result.get("estimatedTotalHits"))
                if answer["data"]["searchCourses"]["totalCount"] != total:
                    sys.exit(f"error: {mix}: the API and the direct search disagree")
    return documents


def run_wrk(url: str, bodies: list[bytes], concurrency: int, duration: int, max_requests: int,
            headers: dict[str, str]) -> dict[str, Any]:
    threads = max(1, min(concurrency, os.cpu_count() or 1))
    with tempfile.NamedTemporaryFile("wb", suffix=".jsonl", delete=False) as fh:
        fh.write(b"\n".join(bodies) + b"\n")
        path = fh.name
    command = ["wrk", "-t", str(threads), "-c", str(concurrency), "-d", f"{duration}s",
               "--timeout", "10s", "--latency", "-s", str(LUA)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command += [url, "--", path, str(max(1, max_requests // threads))]
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True,
                                timeout=duration + 60).stdout
    finally:
        os.unlink(path)
    for line in output.splitlines():
        if line.startswith("BENCH_RESULT "):
            result: dict[str, Any] = json.loads(line.removeprefix("BENCH_RESULT "))
            return result
    raise RuntimeError(f"wrk printed no result:\n{output}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/search_load.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--api", default="http://127.0.0.1:8000", help="the API's base URL")
    parser.add_argument("--meili-url", default=os.environ.get("MEILI_URL"))
    parser.add_argument("--meili-key", default=os.environ.get("MEILI_MASTER_KEY"))
    parser.add_argument("--index", default=os.environ.get("MEILI_INDEX", "courses"))
    parser.add_argument("--duration", type=int, default=5, help="seconds per run (5)")
    parser.add_argument("--max-requests", type=int, default=20_000,
                        help="at most this many requests per run (20000)")
    parser.add_argument("--concurrency", default="1,8,32", help="connections (1,8,32)")
    parser.add_argument("--mixes", default=",".join(MIXES), help=f"({','.join(MIXES)})")
    parser.add_argument("--bodies", type=int, default=300, help="distinct searches per mix")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("error: wrk is not installed; it is the load generator of this bench "
              "(apt-get install -y wrk)", file=sys.stderr)
        return 2
    if not args.meili_url or not args.meili_key:
        print("error: set MEILI_URL and MEILI_MASTER_KEY (or --meili-url/--meili-key)",
              file=sys.stderr)
        return 2
    if not 1 <= args.duration <= 60 or not 1 <= args.max_requests <= 1_000_000:
        print("error: --duration must be 1-60 s and --max-requests 1-1000000", file=sys.stderr)
        return 2
    api, meili = args.api.rstrip("/"), args.meili_url.rstrip("/")
    check_loopback(api, "the API")
    check_loopback(meili, "Meilisearch")
    mixes = [m for m in args.mixes.split(",") if m]
    unknown = [m for m in mixes if m not in MIXES]
    if unknown:
        print(f"error: unknown mix {unknown[0]!r}", file=sys.stderr)
        return 2
    levels = [int(c) for c in args.concurrency.split(",")]
    bodies = {mix: build_bodies(mix, args.bodies, args.seed, args.index) for mix in mixes}
    documents = preflight(api, meili, args.meili_key, args.index, bodies)
    print(f"index {args.index!r}: {documents} documents; {args.duration} s or "
          f"{args.max_requests} requests per run; wrk, keep-alive connections\n")
    meili_headers = {"Authorization": f"Bearer {args.meili_key}",
                     "Content-Type": "application/json"}
    rows = []
    header = (f"{'mix':<20} {'conc':>4} | {'API req/s':>9} {'p50':>7} {'p95':>7} {'p99':>7} | "
              f"{'Meili req/s':>11} {'p50':>7} {'p95':>7} {'p99':>7} | {'rps ratio':>9} "
              f"{'p50 ratio':>9}")
    print(header + "\n" + "-" * len(header), flush=True)
    started = time.monotonic()
    for mix in mixes:
        api_bodies, meili_bodies = bodies[mix]
        for concurrency in levels:
            api_result = run_wrk(f"{api}/graphql", api_bodies, concurrency, args.duration,
                                 args.max_requests, {"Content-Type": "application/json"})
            meili_result = run_wrk(f"{meili}/multi-search", meili_bodies, concurrency,
                                   args.duration, args.max_requests, meili_headers)
            row = {"mix": mix, "concurrency": concurrency, "api": api_result,
                   "meilisearch": meili_result,
                   "rps_ratio": api_result["rps"] / meili_result["rps"],
                   "p50_ratio": api_result["p50_ms"] / max(meili_result["p50_ms"], 1e-9)}
            rows.append(row)
            a, m = api_result, meili_result
            print(f"{mix:<20} {concurrency:>4} | {a['rps']:>9.1f} {a['p50_ms']:>7.2f} "
                  f"{a['p95_ms']:>7.2f} {a['p99_ms']:>7.2f} | {m['rps']:>11.1f} "
                  f"{m['p50_ms']:>7.2f} {m['p95_ms']:>7.2f} {m['p99_ms']:>7.2f} | "
                  f"{row['rps_ratio']:>9.2f} {row['p50_ratio']:>9.2f}", flush=True)
            for name, result in (("API", a), ("Meilisearch", m)):
                if result["failed"] or result["socket_errors"]:
                    print(f"  warning: {name}: {result['failed']} failed responses, "
                          f"{result['socket_errors']} socket errors", flush=True)
    print(f"\nlatencies in ms; ratios are API/Meilisearch; "
          f"{time.monotonic() - started:.0f} s of load in all")
    if args.json:
        args.json.write_text(json.dumps({"documents": documents, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
