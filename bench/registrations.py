"""Registration throughput through the API, and email throughput through the worker.

    .venv/bin/python bench/registrations.py [--registrations 2000] [--concurrency 32]
        [--rounds 3] [--profile FILE] [--skip-emails]

Starts its own Meilisearch, Redis (append-only file, ``appendfsync always``: the
``fsync`` durability the API runs with by default) and SMTP sink on free loopback ports
with a temporary data folder, loads a feed of 10 courses × 20 visits × 200 seats (with the
visits' Redis records, as ``indexer load`` writes them), and starts the API as
``python -m api`` does (one uvicorn process, uvloop, httptools, no access log) with the
per-IP rate limit raised above the bench's count.

1. Registrations/s, in ``--rounds`` rounds, each: ``--registrations``
   registerForStudyVisit mutations over HTTP from ``--concurrency`` keep-alive
   connections (wrk, a C load generator, so that the client costs little of the two
   cores), each for an email of its own, spread over the visits. Every one must be
   accepted (no refusal in the payload, every one stored). The rate limits are on (their
   Redis counters are kept), with a per-IP limit above the bench's count. Then the
   engine beneath, in the same round: as many reserve scripts
   (``RegistrationStore.reserve``, the Lua script with every seat and waitlist rule) sent
   straight to the same Redis at the same concurrency from this process; printed with
   the ratio of the two rates, the API's CPU time per registration (from /proc) and its
   peak resident memory. ``--profile FILE`` records the API process during the first
   round with py-spy (a speedscope JSON file), when py-spy is installed.
2. Emails/s (unless ``--skip-emails``): the two emails of every registration (provider
   notification and receipt) are queued meanwhile; then one worker (``arq
   workers.settings.WorkerSettings --burst``) sends them all to the sink. Timed from the
   worker's start to the last message in.

Nothing outside the temporary folder is touched; every process is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import orjson
from meilisearch import Client
from procstat import py_spy_recording
from redis import Redis
from search_load import Monitor, run_wrk

from core.reference import load_reference
from core.visits.seats import active_registrations_key
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
MIB = 1024 * 1024
COURSES = 10
VISITS_PER_COURSE = 20
SEATS = 200
WARM_UP = 50
# The payload's errors are aliased, so that wrk counts a top-level "errors" key only.
MUTATION = """
mutation($input: RegisterForStudyVisitInput!) {
  registerForStudyVisit(input: $input) { registration { id } refusals: errors { code } }
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
             "durationMinutes": 60, "capacity": SEATS} for v in range(VISITS_PER_COURSE)]
        courses.append(_course(f"BENCH{c}", visits))
        visit_ids += [study_visit_id(course_document_id(ORG, f"BENCH{c}"), str(v["id"]))
                      for v in visits]
    feed: dict[str, object] = {"schemaVersion": "1.0", "courses": courses, "provider": {
        "organisationNumber": ORG, "name": "Bänkens Yrkesutbildning AB",
        "contact": {"name": "Per Holm", "email": "info@utbildning.example"}}}
    return feed, visit_ids


def _bodies(visit_ids: list[str], count: int, tag: str) -> list[bytes]:
    """``count`` mutations, each for an email of its own, spread over the visits."""
    return [orjson.dumps({"query": MUTATION, "variables": {"input": {
        "visitId": visit_ids[i % len(visit_ids)], "name": f"Bench Person {i}",
        "email": f"{tag}-{i}@example.se", "language": "SV", "consent": True}}})
        for i in range(count)]


def _stored(redis: Redis, visit_ids: list[str]) -> int:
    """Registrations holding a seat, over every visit."""
    with redis.pipeline(transaction=False) as pipe:
        for visit_id in visit_ids:
            pipe.scard(active_registrations_key(visit_id))
        return sum(pipe.execute())


async def _warm_up(base: str, bodies: list[bytes]) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        for body in bodies:
            response = await client.post(f"{base}/graphql", content=body,
                                         headers={"Content-Type": "application/json"})
            if response.json()["data"]["registerForStudyVisit"]["registration"] is None:
                raise RuntimeError(f"warm-up registration refused: {response.text}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=2000,
                        help="registrations per round (2000)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=Path, help="py-spy profile of the API's first round")
    parser.add_argument("--skip-emails", action="store_true",
                        help="measure registrations only")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("error: wrk is not installed; it is the load generator of this bench "
              "(apt-get install -y wrk)", file=sys.stderr)
        return 2
    # wrk may send a few more than its budget per connection before it stops
    needed = WARM_UP + args.rounds * (args.registrations + 2 * args.concurrency)
    if needed > COURSES * VISITS_PER_COURSE * SEATS:
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
            api = ManagedProcess("api", [sys.executable, "-m", "api", "--host", "127.0.0.1",
                                         "--port", str(api_port), "--workers", "1",
                                         "--no-access-log", "--log-level", "warning"],
                                 work / "api.log", env, ROOT).start()
            started.append(api)
            base = f"http://127.0.0.1:{api_port}"
            wait_ready(api, lambda: http_ok(f"{base}/readyz"), 60)
            redis = Redis(port=redis_port)
            asyncio.run(_warm_up(base, _bodies(visit_ids[:-args.rounds], WARM_UP, "warm")))
            from durability import first_visit, modes, store_writes  # imports this module
            fsync = modes(["fsync"])[0]
            monitor = Monitor(api_port, meili_port)
            count = args.registrations
            print(f"{args.rounds} rounds of {count} registrations, {args.concurrency} "
                  f"connections (wrk); reserve script alone from this process", flush=True)
            rates = []
            # the reserve script alone fills visits of its own (one per round), beyond
            # their seats: the API's registrations go to the others
            api_visits, script_visits = visit_ids[:-args.rounds], visit_ids[-args.rounds:]
            for number in range(args.rounds):
                before = _stored(redis, api_visits)
                # each round starts on other visits, so that the rounds fill them evenly
                shift = number * count % len(api_visits)
                # more bodies than the budget: a thread's connections may send a few more
                # before it stops, and each must be an email of its own
                bodies = _bodies(api_visits[shift:] + api_visits[:shift],
                                 count + 2 * args.concurrency, f"r{number}")
                assert api.process is not None
                with py_spy_recording(api.process.pid, args.profile if number == 0 else None,
                                      "--format", "speedscope", "--rate", "100",
                                      attach_seconds=1.0):  # attached before the burst
                    burst = run_wrk(f"{base}/graphql", bodies, args.concurrency, 600, count,
                                    {"Content-Type": "application/json"}, monitor)
                answered = int(burst["requests"])
                stored = _stored(redis, api_visits) - before
                if burst["failed"] or burst["socket_errors"] or stored < answered:
                    print(f"error: round {number + 1}: {burst['failed']} failed, "
                          f"{burst['socket_errors']} socket errors, {stored} stored of "
                          f"{answered} answered", file=sys.stderr)
                    return 1
                # a visit (and registration ids) of the round's own: its emails are new
                visit = asyncio.run(first_visit(f"http://127.0.0.1:{meili_port}", key,
                                                script_visits[number]))
                cpu = time.process_time()
                alone = asyncio.run(store_writes(
                    redis_port, dataclasses.replace(fsync, name=f"r{number}"), visit, count,
                    args.concurrency))
                alone_cpu = time.process_time() - cpu
                api_rate, script_rate = answered / burst["seconds"], count / alone
                rates.append(api_rate / script_rate)
                print(f"round {number + 1}: API {api_rate:.0f}/s (p50 {burst['p50_ms']:.1f} ms, "
                      f"p95 {burst['p95_ms']:.1f} ms, API CPU "
                      f"{1000 * burst['api_cpu_s'] / answered:.2f} ms per registration, peak "
                      f"RSS {burst['api_rss_peak'] / MIB:.0f} MiB); reserve script alone "
                      f"{script_rate:.0f}/s (client CPU {1000 * alone_cpu / count:.2f} ms "
                      f"each); API / script = {api_rate / script_rate:.2f}", flush=True)
            print(f"API / script over the rounds: median {statistics.median(rates):.2f}, "
                  f"range {min(rates):.2f}-{max(rates):.2f}", flush=True)
            if args.skip_emails:
                return 0
            registered = _stored(redis, api_visits)  # the script alone owes no e-mail
            emails = 2 * registered
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
