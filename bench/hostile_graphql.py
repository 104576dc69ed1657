"""Hostile GraphQL requests against a production-mode API (DEVELOPMENT=false).

    .venv/bin/python bench/hostile_graphql.py [--feeds DIR] [--repeat 5]

Starts its own stack (Meilisearch with a generated sample of 2,000 courses, a fresh Redis,
the API as deployed: ``python -m api --workers 1``) on free loopback ports and prints:

* the Region/Municipality cycle query that used to take the API down, at each depth 3..10:
  its cost as :mod:`api.graphql.cost` counts it, how it is refused and how long that takes
  (median of ``--repeat``);
* fifteen aliases of the deepest list path the schema still has (search results, their
  region's municipalities; 8 levels), at each depth 3..8: cost, answer and time;
* fifteen aliases of a search with 300 facet values and highlights: cost, answer, time;
* 32 concurrent requests that fail inside a resolver (Meilisearch is killed first): the
  time for all of them, their error codes (``SERVICE_UNAVAILABLE``, or the masked
  ``INTERNAL_SERVER_ERROR``) and how many carried any other than the fixed messages;
* the API's resident memory before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse
from procstat import pids_listening, rss_bytes
from search_stack import ROOT, running_stack

from api.graphql.cost import list_sizes, operation_cost
from api.graphql_app import MAX_ALIASES, build_schema
from core.errors import ServiceUnavailable

SCHEMA = build_schema(development=False)._schema
SIZES = list_sizes(100)


def cycle(depth: int) -> str:
    names = ["regions", *["municipalities", "region"] * depth][:depth]
    inner = "code"
    for name in reversed(names):
        inner = f"{name} {{ {inner} }}"
    return f"{{ {inner} }}"


def fan_out(depth: int) -> str:
    path = ["searchCourses(first: 100)", "edges", "node", "location", "region",
            "municipalities", "centre"][:max(1, depth - 1)]
    inner = "lat" if depth - 1 >= 7 else "__typename"
    for name in reversed(path):
        inner = f"{name} {{ {inner} }}"
    return "{ " + " ".join(f"a{i}: {inner}" for i in range(MAX_ALIASES)) + " }"


def cost(query: str) -> int:
    document = parse(query)
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    return sum(operation_cost(SCHEMA, op, fragments, SIZES) for op in document.definitions
               if isinstance(op, OperationDefinitionNode))


def outcome(body: dict[str, Any]) -> str:
    errors = body.get("errors")
    if not errors:
        return "answered"
    codes = sorted({str(e.get("extensions", {}).get("code")) for e in errors})
    return "refused: " + ", ".join(codes)


async def timed(client: httpx.AsyncClient, query: str, repeat: int) -> tuple[float, str, int]:
    times, result, size = [], "", 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = await client.post("/graphql", json={"query": query})
        times.append(time.perf_counter() - started)
        result, size = outcome(response.json()), len(response.content)
    return statistics.median(times), result, size


def rss_mib(port: int) -> float:
    return rss_bytes(pids_listening(port)) / 2**20


async def run(api_url: str, repeat: int, kill_meili: Any) -> None:
    port = int(api_url.rsplit(":", 1)[1])
    async with httpx.AsyncClient(base_url=api_url, timeout=120) as client:
        await client.post("/graphql", json={"query": "{ regions { code } }"})
        print(f"API resident memory before: {rss_mib(port):.1f} MiB")
        print("\nRegion/Municipality cycle (Municipality.region no longer exists):")
        print("| depth | bytes of query | cost | answer | median ms |\n"
              "| ---: | ---: | ---: | --- | ---: |")
        for depth in range(3, 11):
            query = cycle(depth)
            seconds, result, _ = await timed(client, query, repeat)
            print(f"| {depth} | {len(query)} | {cost(query)} | {result} | {seconds * 1000:.1f} |")
        print(f"\n{MAX_ALIASES} aliases of the deepest list path (search results × their "
              "region's municipalities):")
        print("| depth | cost | answer | bytes | median ms |\n| ---: | ---: | --- | ---: | ---: |")
        for depth in range(3, 9):
            query = fan_out(depth)
            seconds, result, size = await timed(client, query, repeat)
            print(f"| {depth} | {cost(query)} | {result} | {size} | {seconds * 1000:.1f} |")
        facets = "facets { attribute values(first: 300) { value label count } }"
        node = "edges { highlights { title { fragments { text matched } } } node { id } }"
        one = f"searchCourses(query: $q, first: $first) {{ totalCount {facets} {node} }}"
        wide = "query Wide($q: String!, $first: Int!) { " + " ".join(
            f"a{i}: {one}" for i in range(MAX_ALIASES)) + " }"
        started = time.perf_counter()
        response = await client.post("/graphql", json={
            "query": wide, "variables": {"q": "svets", "first": 100}})
        print(f"\n{MAX_ALIASES} aliases of a search with 300 facet values and highlights: "
              f"cost {cost(wide)}, {outcome(response.json())}, "
              f"{(time.perf_counter() - started) * 1000:.1f} ms")
        kill_meili()
        queries = ['{ course(id: "5560012402-c%d") { id title } }',
                   '{ suggestions(prefix: "sv%d") { text } }',
                   '{ searchCourses(query: "svets %d") { totalCount } }']
        started = time.perf_counter()
        responses = await asyncio.gather(*[
            client.post("/graphql", json={"query": queries[i % 3] % i}) for i in range(32)])
        elapsed = time.perf_counter() - started
        errors = [e for r in responses for e in r.json().get("errors", [])]
        fixed = {"Unexpected error.", str(ServiceUnavailable("search"))}
        codes = Counter(e.get("extensions", {}).get("code") for e in errors)
        unmasked = [e for e in errors if e["message"] not in fixed]
        leaks = sum("127.0.0.1" in r.text for r in responses)
        print(f"\n32 concurrent failing requests (Meilisearch killed): {elapsed * 1000:.0f} ms "
              f"for all, {len(errors)} errors {dict(codes)}, {len(unmasked)} with any other "
              f"than the fixed messages, {leaks} naming a host")
        print(f"API resident memory after: {rss_mib(port):.1f} MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/hostile_graphql.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=Path, help="feed folder (default: a fresh sample)")
    parser.add_argument("--repeat", type=int, default=5, help="requests per measurement")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        feeds = args.feeds
        if feeds is None:
            feeds = Path(tmp) / "feeds"
            subprocess.run([sys.executable, "-m", "devstack", "sample", "--out", str(feeds),
                            "--courses", "2000", "--providers", "80"], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL)
        with running_stack(feeds, Path(tmp) / "stack", workers=1) as stack:
            asyncio.run(run(stack.api_url, args.repeat, stack.meili.kill))
    return 0


if __name__ == "__main__":
    sys.exit(main())
