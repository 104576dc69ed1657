"""How the API behaves while Meilisearch or Redis is down: times and outcomes, printed.

    .venv/bin/python bench/outages.py [--requests 20]

Starts its own Meilisearch, Redis and SMTP sink on free loopback ports with a temporary
data folder, loads a generated feed of 40 courses through the indexer (so that the
visits' records are in Redis too), and starts the API as uvicorn with the
default deadlines (``MEILI_TIMEOUT_SECONDS`` 2, ``REDIS_TIMEOUT_SECONDS`` 2). Then:

1. Meilisearch stalled (SIGSTOP): ``--requests`` searches, each a distinct text of a query
   the compiled path knows, one after the other: p50/max time to the error, the error
   codes, and how many searches reached Meilisearch (from a counting TCP proxy).
2. Searches asked (and cached) while Meilisearch answered, asked again with it stalled
   after the index version changed (as after a load): how many were served stale
   (``"extensions": {"stale": true}``).
3. Meilisearch killed: ``--requests`` registrations: p50/max time and how many succeeded.
4. Meilisearch restarted, Redis stalled: ``--requests`` ``/readyz`` probes: p50/max time
   and the answers.

Nothing outside the temporary folder is touched; every process is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import secrets
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from meilisearch import Client
from redis import Redis

from core.reference import load_reference
from core.search import index_version
from core.visits.visit_records import VisitRecords
from devstack.counting_proxy import CountingProxy
from devstack.mailsink import MailSink
from devstack.meilisearch_binary import ensure_meilisearch
from devstack.processes import (
    ManagedProcess,
    free_port,
    http_ok,
    start_meilisearch,
    start_redis,
    wait_ready,
)
from devstack.sample_feeds import generate_feeds
from indexer.documents import course_document_id, study_visit_id
from indexer.loader import CourseIndexer

ROOT = Path(__file__).resolve().parent.parent
COURSES = 40
SEARCH = ("query S($q: String!) { searchCourses(query: $q, first: 5) "
          "{ totalCount edges { node { id title } } } }")
REGISTER = ("mutation R($input: RegisterForStudyVisitInput!) { registerForStudyVisit("
            "input: $input) { registration { id } errors { code } } }")


def _feed(work: Path) -> tuple[Path, list[str], list[str]]:
    """A generated sample feed; the ids of its visits of the coming days with seats, and
    its course titles (searches that find something: a search that finds nothing is
    relaxed by graphql-core, which the cache does not keep)."""
    today = datetime.date.today()
    (feed,) = generate_feeds(providers=1, courses=COURSES, today=today)
    path = work / "feed.json"
    path.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
    org = feed["provider"]["organisationNumber"]
    soon = (today + datetime.timedelta(days=2)).isoformat()
    visit_ids = [study_visit_id(course_document_id(org, course["id"]), visit["id"])
                 for course in feed["courses"] for visit in course["studyVisits"]
                 if visit["start"] >= soon and visit["capacity"] >= 5]
    return path, visit_ids, [course["title"]["sv"] for course in feed["courses"]]


def _signal(process: ManagedProcess, number: signal.Signals) -> None:
    assert process.process is not None
    process.process.send_signal(number)


def _summary(seconds: list[float]) -> str:
    return (f"p50 {statistics.median(seconds) * 1000:.0f} ms, "
            f"max {max(seconds) * 1000:.0f} ms")


def _code(body: dict[str, Any]) -> str:
    errors = body.get("errors")
    if not errors:
        return "ok"
    return str(errors[0].get("extensions", {}).get("code") or errors[0]["message"])


async def _timed(client: httpx.AsyncClient, method: str, url: str, **kwargs: Any
                 ) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = await client.request(method, url, **kwargs)
    return response, time.perf_counter() - started


async def _searches(client: httpx.AsyncClient, base: str, texts: list[str]
                    ) -> list[tuple[dict[str, Any], float]]:
    out = []
    for text in texts:
        response, seconds = await _timed(client, "POST", f"{base}/graphql", json={
            "query": SEARCH, "variables": {"q": text}})
        out.append((response.json(), seconds))
    return out


async def _measure(base: str, meili: ManagedProcess, redis: ManagedProcess, redis_url: str,
                   proxy: CountingProxy, visit_ids: list[str], titles: list[str],
                   requests: int) -> None:
    async with httpx.AsyncClient(timeout=60) as client:
        await _searches(client, base, ["warm-up"])  # strawberry registers the document
        cached = list(dict.fromkeys(titles))[:requests]
        await _searches(client, base, cached)  # compiled path, stored in the cache

        index_version.bump(Redis.from_url(redis_url), "courses")  # as after an index load
        _signal(meili, signal.SIGSTOP)
        try:
            before = proxy.multi_searches
            fresh = await _searches(client, base, [f"snickare {n}" for n in range(requests)])
            sent = proxy.multi_searches - before
            stale = await _searches(client, base, cached)
        finally:
            _signal(meili, signal.SIGCONT)
        codes = Counter(_code(body) for body, _ in fresh)
        print(f"search, Meilisearch stalled: {requests} uncached searches, "
              f"{_summary([s for _, s in fresh])} to the error; answers {dict(codes)}; "
              f"{sent} searches reached Meilisearch", flush=True)
        served = sum(body.get("extensions") == {"stale": True} for body, _ in stale)
        print(f"search, Meilisearch stalled: {served} of {requests} cached searches served "
              f"stale ({_summary([s for _, s in stale])})", flush=True)

        meili.kill()
        outcomes = []
        for n in range(requests):
            response, seconds = await _timed(client, "POST", f"{base}/graphql", json={
                "query": REGISTER, "variables": {"input": {
                    "visitId": visit_ids[n % len(visit_ids)], "name": "Ann Andersson",
                    "email": f"bench{n}@example.se", "language": "SV", "consent": True}}})
            payload = response.json().get("data", {}) or {}
            done = (payload.get("registerForStudyVisit") or {}).get("registration")
            outcomes.append((done is not None, seconds))
        print(f"registration, Meilisearch killed: {sum(ok for ok, _ in outcomes)} of "
              f"{requests} succeeded, {_summary([s for _, s in outcomes])}", flush=True)

        meili.start()
        wait_ready(meili, lambda: http_ok(f"http://127.0.0.1:{proxy.upstream_port}/health"), 60)
        _signal(redis, signal.SIGSTOP)
        try:
            probes = [await _timed(client, "GET", f"{base}/readyz") for _ in range(requests)]
        finally:
            _signal(redis, signal.SIGCONT)
        answers = Counter(f"{r.status_code} {r.text}" for r, _ in probes)
        print(f"readyz, Redis stalled: {_summary([s for _, s in probes])}; "
              f"answers {dict(answers)}", flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args(argv)
    started: list[ManagedProcess] = []
    with tempfile.TemporaryDirectory(prefix="bench-outages-") as tmp:
        work = Path(tmp)
        key = secrets.token_urlsafe(24)
        meili_port, redis_port, api_port = free_port(), free_port(), free_port()
        sink = MailSink(free_port()).start()
        proxy = None
        try:
            meili = start_meilisearch(ensure_meilisearch(), work / "meili", meili_port, key,
                                      work / "meili.log")
            started.append(meili)
            redis = start_redis(redis_port, work / "redis")
            started.append(redis)
            proxy = CountingProxy(meili_port)
            redis_url = f"redis://127.0.0.1:{redis_port}/0"
            feed, visit_ids, titles = _feed(work)
            indexer = CourseIndexer(Client(f"http://127.0.0.1:{meili_port}", key), "courses",
                                    load_reference(), 120,
                                    visit_records=VisitRecords(Redis.from_url(redis_url),
                                                               "courses"))
            summary = indexer.load([feed])
            if summary.rejections:
                print(f"error: the feed did not load: {summary.rejections}", file=sys.stderr)
                return 1
            env = {
                **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")},
                "MEILI_URL": f"http://127.0.0.1:{proxy.port}", "MEILI_MASTER_KEY": key,
                "MEILI_INDEX": "courses", "REDIS_URL": redis_url,
                "SECRET_KEY": secrets.token_urlsafe(48), "SMTP_PORT": str(sink.port),
                "REGISTRATION_RATE_LIMIT_PER_IP": str(10 * args.requests),
            }
            api = ManagedProcess("api", [sys.executable, "-m", "uvicorn", "api.app:app",
                                         "--host", "127.0.0.1", "--port", str(api_port),
                                         "--log-level", "warning"],
                                 work / "api.log", env, ROOT).start()
            started.append(api)
            base = f"http://127.0.0.1:{api_port}"
            wait_ready(api, lambda: http_ok(f"{base}/readyz"), 60)
            asyncio.run(_measure(base, meili, redis, redis_url, proxy, visit_ids, titles,
                                 args.requests))
        finally:
            for process in reversed(started):
                if process.process is not None and process.running():
                    process.process.send_signal(signal.SIGCONT)
                process.stop()
            if proxy is not None:
                proxy.close()
            sink.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
