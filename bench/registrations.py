"""Registration throughput through the API, and email throughput through the worker.

    .venv/bin/python bench/registrations.py [--registrations 2000] [--concurrency 32]
        [--profile FILE]

Starts its own Meilisearch, Redis and SMTP sink on free loopback ports with a temporary
data folder, loads a feed of 10 courses × 20 visits × 200 seats (with the visits' Redis
records, as ``indexer load`` writes them), and starts the API as uvicorn (one process, as
``scripts/run.sh`` does) with the per-IP rate limit raised above the bench's count.

1. Registrations/s: ``--registrations`` registerForStudyVisit mutations over HTTP from
   ``--concurrency`` concurrent clients, each for its own email, spread over the visits.
   Every one must be accepted. The rate limits are on (their Redis counters are kept),
   with a per-IP limit above the bench's count. Then the engine beneath, in the same run:
   as many reserve scripts (``RegistrationStore.reserve``, the Lua script with every seat
   and waitlist rule) sent straight to the same Redis at the same concurrency; printed
   with the ratio of the two rates. ``--profile FILE`` records the API process during
   the burst with py-spy (a speedscope JSON file), when py-spy is installed.
2. Emails/s: the two emails of every registration (provider notification and receipt)
   are queued meanwhile; then one worker (``arq workers.settings.WorkerSettings --burst``)
   sends them all to the sink. Timed from the worker's start to the last message in.

Nothing outside the temporary folder is touched; every process is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from meilisearch import Client
from redis import Redis

from core.reference import load_reference
from core.visits.visit_records import VisitRecords
from devstack.mailsink import MailSink
from devstack.meilisearch_binary import ensure_meilisearch
from devstack.processes import (
    ManagedProcess,
    free_port,
    http_ok,
    start_meilisearch,
    start_redis,
    wait_ready,
    wait_until,
)
from indexer.documents import course_document_id, study_visit_id
from indexer.loader import CourseIndexer

ROOT = Path(__file__).resolve().parent.parent
COURSES = 10
VISITS_PER_COURSE = 20
MUTATION = """
mutation($input: RegisterForStudyVisitInput!) {
  registerForStudyVisit(input: $input) { registration { id } errors { code } }
}
"""


ORG = "559876-5435"  # a valid organisation number (Luhn check digit)


def _course(course_id: str, visits: list[dict[str, object]]) -> dict[str, object]:
    field = sorted(load_reference().occupation_fields)[0]
    return {
        "id": course_id,
        "title": {"sv": f"Svetsare {course_id}", "en": f"Welder {course_id}"},
        "description": {"sv": "Grundläggande svetsutbildning."},
        "occupation": {"ssyk": "7212", "name": "Svetsare och gasskärare"},
        "occupationField": field, "programmeType": "labour_market_training",
        "location": {"municipalityCode": "1280", "address": {
            "street": "Industrigatan 4", "postalCode": "212 14", "city": "Malmö"}},
        "intake": {"type": "continuous", "durationWeeks": 12}, "pace": {"type": "full_time"},
        "schedule": ["daytime"], "delivery": "on_site", "languages": ["sv"],
        "eligibility": {"minimumAge": 18}, "places": 12,
        "contact": {"name": "Karin Lindqvist", "email": "karin@utbildning.example"},
        "studyVisits": visits, "url": f"https://utbildning.example/{course_id}",
    }


def _feed() -> tuple[dict[str, object], list[str]]:
    courses, visit_ids = [], []
    for c in range(COURSES):
        visits: list[dict[str, object]] = [
            {"id": f"V{v}", "start": f"2031-{(v % 12) + 1:02d}-{(c % 27) + 1:02d}T10:00:00+01:00",
             "durationMinutes": 60, "capacity": 200} for v in range(VISITS_PER_COURSE)]
        courses.append(_course(f"BENCH{c}", visits))
        visit_ids += [study_visit_id(course_document_id(ORG, f"BENCH{c}"), str(v["id"]))
                      for v in visits]
    feed: dict[str, object] = {"schemaVersion": "1.0", "courses": courses, "provider": {
        "organisationNumber": ORG, "name": "Bänkens Yrkesutbildning AB",
        "contact": {"name": "Per Holm", "email": "info@utbildning.example"}}}
    return feed, visit_ids


async def _register(base: str, visit_ids: list[str], count: int, concurrency: int
                    ) -> tuple[float, list[float]]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(count):
            queue.put_nowait(i)

        async def one_client() -> None:
            while not queue.empty():
                i = queue.get_nowait()
                variables = {"input": {
                    "visitId": visit_ids[i % len(visit_ids)], "name": f"Bench Person {i}",
                    "email": f"bench{i}@example.se", "language": "SV", "consent": True}}
                started = time.perf_counter()
                response = await client.post(f"{base}/graphql",
                                             json={"query": MUTATION, "variables": variables})
                latencies.append(time.perf_counter() - started)
                payload = response.json()["data"]["registerForStudyVisit"]
                if payload["registration"] is None:
                    raise RuntimeError(f"registration {i} refused: {payload['errors']}")

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(concurrency)))
        return time.perf_counter() - started, latencies


def _profiler(api: ManagedProcess, path: Path | None) -> subprocess.Popen[bytes] | None:
    """py-spy recording the API process into ``path`` (speedscope JSON), if asked for."""
    if path is None:
        return None
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        print("--profile: py-spy is not installed; not profiled", flush=True)
        return None
    assert api.process is not None
    process = subprocess.Popen([py_spy, "record", "--pid", str(api.process.pid), "--format",
                                "speedscope", "--output", str(path), "--rate", "100"])
    time.sleep(1.0)  # attached before the burst
    return process


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--profile", type=Path, help="py-spy profile of the API's burst")
    args = parser.parse_args(argv)
    if args.registrations > COURSES * VISITS_PER_COURSE * 200:
        parser.error("more registrations than seats")
    started: list[ManagedProcess] = []
    with tempfile.TemporaryDirectory(prefix="bench-registrations-") as tmp:
        work = Path(tmp)
        key = secrets.token_urlsafe(24)
        meili_port, redis_port, api_port = free_port(), free_port(), free_port()
        sink = MailSink(free_port()).start()
        try:
            started.append(start_meilisearch(ensure_meilisearch(), work / "meili", meili_port,
                                             key, work / "meili.log"))
            started.append(start_redis(redis_port, work / "redis", appendonly=True))
            feed, visit_ids = _feed()
            (work / "feed.json").write_text(json.dumps(feed), encoding="utf-8")
            client = Client(f"http://127.0.0.1:{meili_port}", key)
            records = VisitRecords(Redis(port=redis_port), "courses")  # as `indexer load`
            summary = CourseIndexer(client, "courses", load_reference(), 120,
                                    visit_records=records).load([work / "feed.json"])
            if summary.rejections or summary.indexed != COURSES:
                print(f"error: the feed did not load: {summary.rejections}", file=sys.stderr)
                return 1
            env = {
                **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")},
                "MEILI_URL": f"http://127.0.0.1:{meili_port}", "MEILI_MASTER_KEY": key,
                "MEILI_INDEX": "courses", "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                "SECRET_KEY": secrets.token_urlsafe(48), "SMTP_PORT": str(sink.port),
                "PUBLIC_BASE_URL": f"http://127.0.0.1:{api_port}",
                "REGISTRATION_RATE_LIMIT_PER_IP": str(10 * args.registrations),
            }
            api = ManagedProcess("api", [sys.executable, "-m", "uvicorn", "api.app:app",
                                         "--host", "127.0.0.1", "--port", str(api_port),
                                         "--log-level", "warning"],
                                 work / "api.log", env, ROOT).start()
            started.append(api)
            base = f"http://127.0.0.1:{api_port}"
            wait_ready(api, lambda: http_ok(f"{base}/readyz"), 60)
            asyncio.run(_register(base, visit_ids, min(50, args.registrations), 8))  # warm-up
            count = args.registrations
            profiler = _profiler(api, args.profile)
            try:
                seconds, latencies = asyncio.run(
                    _register(base, visit_ids[50:] + visit_ids[:50], count, args.concurrency))
            finally:
                if profiler is not None:
                    profiler.send_signal(signal.SIGINT)  # py-spy then writes its file
                    profiler.wait(60)
            latencies.sort()
            print(f"registrations: {count} in {seconds:.2f} s = {count / seconds:.0f}/s "
                  f"through the API ({args.concurrency} concurrent clients; latency p50 "
                  f"{statistics.median(latencies) * 1000:.1f} ms, p95 "
                  f"{latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms)", flush=True)
            from durability import first_visit, modes, store_writes  # imports this module
            visit = asyncio.run(first_visit(f"http://127.0.0.1:{meili_port}", key,
                                            visit_ids[0]))
            alone = asyncio.run(store_writes(redis_port, modes(["fsync"])[0], visit, count,
                                             args.concurrency))
            print(f"reserve script alone: {count} in {alone:.2f} s = {count / alone:.0f}/s "
                  f"against the same Redis; API / script = {alone / seconds:.2f}", flush=True)
            emails = 2 * (count + min(50, args.registrations))
            worker_started = time.perf_counter()
            worker = ManagedProcess("worker", [sys.executable, "-m", "arq",
                                               "workers.settings.WorkerSettings", "--burst"],
                                    work / "worker.log", env, ROOT).start()
            started.append(worker)
            wait_until(lambda: len(sink.messages) >= emails, 600, "every email")
            sent = time.perf_counter() - worker_started
            print(f"emails: {emails} in {sent:.2f} s = {emails / sent:.0f}/s through one "
                  f"worker to the SMTP sink (including the worker's start-up)", flush=True)
            if len(sink.messages) != emails:
                print(f"error: the sink has {len(sink.messages)} messages", file=sys.stderr)
                return 1
        finally:
            for process in reversed(started):
                process.stop()
            sink.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
