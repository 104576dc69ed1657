"""Search load test: the API's searchCourses against the same searches sent to Meilisearch.

    .venv/bin/python bench/search_load.py --stack /tmp/bench100k/feeds [--workers 1] \\
        [--quick] [--soak 300] [--json results.json]
    .venv/bin/python bench/search_load.py --api http://127.0.0.1:8000   # a running stack

``--stack FEEDS`` starts Meilisearch (loading the feeds once, see ``bench/search_stack.py``),
a fresh Redis and the API (``python -m api``, uvloop + httptools, no access log) on free
loopback ports and stops them at the end; ``--api`` measures an API already running, with
Meilisearch from MEILI_URL, MEILI_MASTER_KEY and MEILI_INDEX. For each mix (see
``bench/search_mixes.py``) and concurrency, wrk (a C load generator, fed by
``bench/search_load.lua``) sends the API's GraphQL requests, and the very multi-search
bodies the API sends Meilisearch for them straight to Meilisearch: in ``--rounds`` rounds
that take turns in going first, the first side running for its share of --duration
seconds (and at most --max-requests requests) and the other then getting exactly as many
of the same requests, so both are measured on the same searches and a drift in the
machine's speed weighs on both alike. Latency percentiles come from the rounds' merged
histograms. The distinct mixes never repeat a search within the whole bench on either
side. Reported per comparison: requests/s, p50/p95/p99 latency, CPU of the API processes
and of Meilisearch (from /proc, as % of one core), the API/Meilisearch ratios, and the
API's resident memory at rest and under load. ``--soak S`` then runs the query log for S
seconds, samples the API's resident memory every 10 s and says whether it stayed flat.
Only loopback addresses are accepted; nothing is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import httpx
from procstat import cpu_seconds, pids_listening, rss_bytes
from prometheus_client.parser import text_string_to_metric_families
from search_mixes import ALL_MIXES, bodies, first_page_finder
from search_stack import running_stack

LUA = Path(__file__).resolve().parent / "search_load.lua"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MIB = 1024 * 1024


def check_loopback(url: str, what: str) -> int:
    parts = urlsplit(url)
    if (parts.hostname or "") not in LOOPBACK:
        sys.exit(f"error: {what} {url} is not on the loopback; this bench only runs locally")
    return parts.port or 80


def preflight(api: str, meili: str, key: str, index: str,
              sets: dict[str, tuple[list[bytes], list[bytes]]]) -> int:
    """Both answer, and the API and the direct bodies find the same number of courses."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json",
               "Accept-Encoding": "identity"}
    with httpx.Client(timeout=30) as client:
        stats = client.get(f"{meili}/indexes/{index}/stats", headers=headers)
        stats.raise_for_status()
        for mix, (api_bodies, meili_bodies) in sets.items():
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
                (found,) = answer["data"].values()
                if "totalCount" not in found:  # a course opened (sessions)
                    if found is None or found["id"] != result["hits"][0]["id"]:
                        sys.exit(f"error: {mix}: the API and the direct search disagree")
                elif found["totalCount"] != total:
                    sys.exit(f"error: {mix}: the API and the direct search disagree")
    return int(stats.json()["numberOfDocuments"])


class Monitor:
    """CPU seconds of the API and Meilisearch processes and the API's RSS."""

    def __init__(self, api_port: int, meili_port: int) -> None:
        self.api = pids_listening(api_port)
        self.meili = pids_listening(meili_port)
        if not self.api or not self.meili:
            sys.exit("error: cannot find the API's or Meilisearch's processes in /proc")

    def cpu(self) -> tuple[float, float]:
        return cpu_seconds(self.api), cpu_seconds(self.meili)

    def rss(self) -> int:
        return rss_bytes(self.api)


def run_wrk(url: str, lines: list[bytes], concurrency: int, duration: int, max_requests: int,
            headers: dict[str, str], monitor: Monitor, sample_every: float = 1.0,
            samples: list[tuple[float, int]] | None = None) -> dict[str, Any]:
    """One wrk run, ended by the duration or, as soon as it is spent, by the request budget."""
    threads = max(1, min(concurrency, os.cpu_count() or 1))
    with tempfile.NamedTemporaryFile("wb", suffix=".jsonl", delete=False) as fh:
        fh.write(b"\n".join(lines) + b"\n")
        path = fh.name
    command = ["wrk", "-t", str(threads), "-c", str(concurrency), "-d", f"{duration}s",
               "--timeout", "10s", "--latency", "-s", str(LUA)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command += [url, "--", path, str(max(1, max_requests // threads)), str(threads),
                "1" if concurrency == 1 else "0"]  # one at a time: time each request
    api_cpu, meili_cpu = monitor.cpu()
    started = time.monotonic()
    peak = monitor.rss()
    output: list[str] = []
    spent = threading.Event()
    try:
        with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as wrk:
            assert wrk.stdout is not None
            reader = threading.Thread(target=_read_wrk, args=(wrk.stdout, output, threads, spent),
                                      daemon=True)
            reader.start()
            interrupted = False
            while wrk.poll() is None:
                if spent.wait(sample_every) and not interrupted:
                    wrk.send_signal(signal.SIGINT)  # wrk then reports at once
                    interrupted = True
                rss = monitor.rss()
                peak = max(peak, rss)
                if samples is not None:
                    samples.append((time.monotonic() - started, rss))
            reader.join()
    finally:
        os.unlink(path)
    wall = time.monotonic() - started
    api_after, meili_after = monitor.cpu()
    for line in output:
        if line.startswith("BENCH_RESULT "):
            result: dict[str, Any] = json.loads(line.removeprefix("BENCH_RESULT "))
            result |= {"api_cpu_s": api_after - api_cpu, "meili_cpu_s": meili_after - meili_cpu,
                       "wall_s": wall, "api_rss_peak": peak}
            return result
    raise RuntimeError(f"wrk printed no result:\n{''.join(output)}")


def _read_wrk(stream: IO[str], output: list[str], threads: int, spent: threading.Event) -> None:
    done = 0
    for line in stream:
        output.append(line)
        if line.startswith("BENCH_THREAD_DONE"):
            done += 1
            if done == threads:
                spent.set()


def merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The runs of one side of a comparison as one: sums, and percentiles of the merged
    latency histograms (as wrk computes them)."""
    histogram: Counter[int] = Counter()
    for part in parts:
        histogram.update({value: count for value, count in part["histogram"]})
    total = sum(histogram.values())

    def percentile(p: float) -> float:
        rank, seen = p / 100 * total, 0
        for value in sorted(histogram):
            seen += histogram[value]
            if seen >= rank:
                return value / 1000
        return 0.0

    requests = sum(p["requests"] for p in parts)
    seconds = sum(p["seconds"] for p in parts)
    summed = {key: sum(p[key] for p in parts) for key in (
        "failed", "socket_errors", "api_cpu_s", "meili_cpu_s", "wall_s")}
    answered = requests - summed["failed"] - summed["socket_errors"]
    return {"requests": requests, "seconds": seconds, "rps": requests / seconds,
            "answered_rps": max(0, answered) / seconds,
            "p50_ms": percentile(50), "p95_ms": percentile(95), "p99_ms": percentile(99),
            "max_ms": max(p["max_ms"] for p in parts), **summed,
            "api_rss_peak": max(p["api_rss_peak"] for p in parts),
            "runs": [{k: v for k, v in p.items() if k not in ("histogram", "timings")}
                     for p in parts]}


Run = tuple[str, list[bytes], dict[str, str]]  # URL, bodies, headers


def compare(api_run: Run, meili_run: Run, concurrency: int, duration: int, rounds: int,
            monitor: Monitor) -> tuple[dict[str, Any], dict[str, Any]]:
    """The API and Meilisearch on the same requests, in ``rounds`` rounds that take turns
    in going first (so that a drift in the machine's speed, or caches warmed by whoever
    went first, weigh on both alike). Round k uses the k-th part of the bodies; the side
    that goes first runs for ``duration / rounds`` seconds, and the other then gets exactly
    as many requests from the same part."""
    api_url, api_bodies, _ = api_run
    results: dict[str, list[dict[str, Any]]] = {api_url: [], meili_run[0]: []}
    added: list[float] = []  # per request: API latency minus Meilisearch latency (c = 1)
    step = len(api_bodies) // rounds
    seconds = max(1, round(duration / rounds))
    for k in range(rounds):
        part = slice(k * step, (k + 1) * step)
        first, second = (api_run, meili_run) if k % 2 == 0 else (meili_run, api_run)
        lead = run_wrk(first[0], first[1][part], concurrency, seconds, step, first[2], monitor)
        follow = run_wrk(second[0], second[1][part], concurrency, 10 * seconds + 30,
                         lead["requests"], second[2], monitor)
        results[first[0]].append(lead)
        results[second[0]].append(follow)
        a, m = (lead, follow) if first is api_run else (follow, lead)
        meili_us = dict(m["timings"])
        added += [(us - meili_us[line]) / 1000 for line, us in a["timings"] if line in meili_us]
    api, meili = merge(results[api_url]), merge(results[meili_run[0]])
    api["paired_added_ms"] = sorted(added)[len(added) // 2] if added else None
    return api, meili


def cache_counts(api: str) -> dict[str, float]:
    """The API's search-cache counters from its /metrics (of one process: with several
    workers, of the one that answers): whole answers and parts, found and missed."""
    text = httpx.get(f"{api}/metrics", timeout=10).text
    counts: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        if family.name in ("studyvisits_search_cache_requests", "studyvisits_search_cache_parts"):
            for sample in family.samples:
                if sample.name.endswith("_total"):
                    counts[f"{family.name}:{sample.labels['result']}"] = sample.value
    return counts


def cache_line(before: dict[str, float], after: dict[str, float], api: dict[str, Any],
               meili: dict[str, Any]) -> str:
    """Hit rates of the cache over a comparison, and CPU time per request of each side."""
    def found(family: str) -> str:
        hits, misses = (after.get(f"{family}:{r}", 0) - before.get(f"{family}:{r}", 0)
                        for r in ("hit", "miss"))
        return f"{100 * hits / (hits + misses):.0f}%" if hits + misses else "-"

    def per_request(result: dict[str, Any], key: str) -> str:
        return f"{1000 * result[key] / max(1, result['requests']):.2f}"

    return (f"  cache: {found('studyvisits_search_cache_requests')} of whole answers and "
            f"{found('studyvisits_search_cache_parts')} of parts (of searches missed "
            f"whole) found; CPU ms per request: API {per_request(api, 'api_cpu_s')} + "
            f"Meilisearch {per_request(api, 'meili_cpu_s')} (API's runs), Meilisearch "
            f"{per_request(meili, 'meili_cpu_s')} (direct)")


def _cpu(result: dict[str, Any], key: str) -> str:
    return f"{100 * result[key] / result['wall_s']:.0f}%"


def soak(api: str, lines: list[bytes], seconds: int, monitor: Monitor) -> dict[str, Any]:
    """The query log at concurrency 32 for ``seconds``; RSS every 10 s; flat or not."""
    samples: list[tuple[float, int]] = []
    result = run_wrk(f"{api}/graphql", lines, 32, seconds, 10**9,
                     {"Content-Type": "application/json"}, monitor, 10.0, samples)
    del result["histogram"], result["timings"]
    print(f"\nsoak: {seconds} s of the zipf query log at concurrency 32: "
          f"{result['rps']:.0f} req/s, p99 {result['p99_ms']:.1f} ms, "
          f"{result['failed']} failed, {result['socket_errors']} socket errors")
    print("API RSS (MiB) every 10 s: " + " ".join(f"{rss / MIB:.0f}" for _, rss in samples))
    settled = [rss for t, rss in samples if t >= 60] or [rss for _, rss in samples]
    third = max(1, len(settled) // 3)
    early, late = sum(settled[:third]) / third, sum(settled[-third:]) / third
    growth = late - early
    flat = growth <= max(0.05 * early, 8 * MIB)
    print(f"after the first minute: {early / MIB:.0f} MiB -> {late / MIB:.0f} MiB "
          f"({growth / MIB:+.1f} MiB): {'FLAT' if flat else 'GROWING'}")
    return {"result": result, "samples": samples, "flat": flat, "growth_bytes": growth}


def run(args: argparse.Namespace, api: str, meili: str, key: str, index: str) -> int:
    api_port, meili_port = check_loopback(api, "the API"), check_loopback(meili, "Meilisearch")
    mixes = [m for m in args.mixes.split(",") if m]
    levels = [int(c) for c in args.concurrency.split(",")]
    per_run = args.max_requests
    print(f"building {len(mixes)} x {len(levels)} x {per_run} requests…", flush=True)
    meili_headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def post(body: bytes) -> dict[str, Any]:
        answer = httpx.post(f"{meili}/multi-search", content=body, headers=meili_headers,
                            timeout=30)
        answer.raise_for_status()
        result: dict[str, Any] = answer.json()
        return result

    found = first_page_finder(index, post)
    sets = {mix: bodies(mix, len(levels) * per_run + (3 if mix != "zipf" else 0), args.seed,
                        index, found=found) for mix in mixes}
    soak_lines = bodies("zipf", 400 * args.soak, args.seed + 1, index)[0] if args.soak else []
    documents = preflight(api, meili, key, index,
                          {m: (a[-3:], b[-3:]) for m, (a, b) in sets.items()})
    monitor = Monitor(api_port, meili_port)
    at_rest = monitor.rss()
    # A freshly started Meilisearch first reads its index from disk: warm both sides up on
    # searches of their own, so that the first comparison does not pay for it.
    warm_api, warm_meili = bodies("zipf", 1000, args.seed + 2, index)
    run_wrk(f"{api}/graphql", warm_api, 8, 3, len(warm_api),
            {"Content-Type": "application/json"}, monitor)
    run_wrk(f"{meili}/multi-search", warm_meili, 8, 3, len(warm_meili),
            {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}, monitor)
    print(f"index {index!r}: {documents} documents; {args.duration} s or {per_run} requests "
          f"per run; wrk, keep-alive connections; API processes {monitor.api}, Meilisearch "
          f"{monitor.meili}; API RSS at rest {at_rest / MIB:.0f} MiB\n")
    header = (f"{'mix':<20} {'conc':>4} | {'API req/s':>9} {'p50':>6} {'p95':>6} {'p99':>6} "
              f"{'cpuAPI':>6} {'cpuM':>5} | {'Meili req/s':>11} {'p50':>6} {'p95':>6} "
              f"{'p99':>6} {'cpuM':>5} | {'ratio':>5} {'p50+ms':>6} {'paired':>6}")
    print(header + "\n" + "-" * len(header), flush=True)
    rows = []
    started = time.monotonic()
    for mix in mixes:
        api_bodies, meili_bodies = sets[mix]
        for number, concurrency in enumerate(levels):
            window = slice(number * per_run, (number + 1) * per_run)
            api_run = (f"{api}/graphql", api_bodies[window], {"Content-Type": "application/json"})
            meili_run = (f"{meili}/multi-search", meili_bodies[window], meili_headers)
            counted = cache_counts(api)
            a, m = compare(api_run, meili_run, concurrency, args.duration, args.rounds, monitor)
            cache = cache_line(counted, cache_counts(api), a, m)
            row = {"mix": mix, "concurrency": concurrency, "api": a, "meilisearch": m,
                   "rps_ratio": a["answered_rps"] / m["answered_rps"],
                   "p50_added_ms": a["p50_ms"] - m["p50_ms"],
                   "paired_added_ms": a.pop("paired_added_ms"), "cache": cache.strip()}
            paired = row["paired_added_ms"]
            rows.append(row)
            print(f"{mix:<20} {concurrency:>4} | {a['rps']:>9.1f} {a['p50_ms']:>6.2f} "
                  f"{a['p95_ms']:>6.2f} {a['p99_ms']:>6.2f} {_cpu(a, 'api_cpu_s'):>6} "
                  f"{_cpu(a, 'meili_cpu_s'):>5} | {m['rps']:>11.1f} {m['p50_ms']:>6.2f} "
                  f"{m['p95_ms']:>6.2f} {m['p99_ms']:>6.2f} {_cpu(m, 'meili_cpu_s'):>5} | "
                  f"{row['rps_ratio']:>5.2f} {row['p50_added_ms']:>+6.2f} "
                  f"{'' if paired is None else f'{paired:+.2f}':>6}\n{cache}", flush=True)
            for name, result in (("API", a), ("Meilisearch", m)):
                if result["failed"] or result["socket_errors"]:
                    print(f"  warning: {name}: {result['failed']} failed responses, "
                          f"{result['socket_errors']} socket errors", flush=True)
    under_load = max(row["api"]["api_rss_peak"] for row in rows)
    print(f"\nlatencies in ms; cpu as % of one core during the run (cpuAPI: all API "
          f"processes, cpuM: Meilisearch); ratio = API/Meilisearch answered req/s (failed "
          f"responses and socket errors not counted); p50+ms = API p50 "
          f"minus Meilisearch p50; paired (concurrency 1) = the median, over the same "
          f"requests, of each request's API latency minus its Meilisearch latency; "
          f"{time.monotonic() - started:.0f} s of load")
    print(f"API RSS: {at_rest / MIB:.0f} MiB at rest, {under_load / MIB:.0f} MiB peak under "
          f"load")
    report: dict[str, Any] = {"documents": documents, "rows": rows, "rss_at_rest": at_rest,
                              "rss_under_load": under_load, "api_pids": monitor.api}
    if args.soak:
        report["soak"] = soak(api, soak_lines, args.soak, monitor)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/search_load.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--stack", type=Path, metavar="FEEDS",
                       help="start Meilisearch (with these feeds), Redis and the API")
    where.add_argument("--api", help="the base URL of an API already running")
    parser.add_argument("--stack-data", type=Path, help="Meilisearch data (FEEDS/../stack)")
    parser.add_argument("--workers", type=int, default=1, help="API workers with --stack (1)")
    parser.add_argument("--meili-url", default=os.environ.get("MEILI_URL"))
    parser.add_argument("--meili-key", default=os.environ.get("MEILI_MASTER_KEY"))
    parser.add_argument("--index", default=os.environ.get("MEILI_INDEX", "courses"))
    parser.add_argument("--duration", type=int, default=10, help="seconds per run (10)")
    parser.add_argument("--max-requests", type=int, default=20_000,
                        help="at most this many requests per run (20000)")
    parser.add_argument("--concurrency", default="1,8,32", help="connections (1,8,32)")
    parser.add_argument("--mixes", default=",".join(ALL_MIXES),
                        help=f"({','.join(ALL_MIXES)})")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=2,
                        help="rounds per comparison, taking turns in going first (2)")
    parser.add_argument("--quick", action="store_true",
                        help="for development: 3 s and 3000 requests per run, concurrency 1,32")
    parser.add_argument("--soak", type=int, default=0, metavar="SECONDS",
                        help="then run the query log this long, sampling the API's memory")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.max_requests, args.concurrency = 3, 3000, "1,32"
    if shutil.which("wrk") is None:
        print("error: wrk is not installed; it is the load generator of this bench "
              "(apt-get install -y wrk)", file=sys.stderr)
        return 2
    if not 1 <= args.duration <= 60 or not 1 <= args.max_requests <= 100_000 \
            or not 0 <= args.soak <= 900 or not 1 <= args.rounds <= 10:
        print("error: --duration must be 1-60 s, --max-requests 1-100000, --soak 0-900 s, "
              "--rounds 1-10",
              file=sys.stderr)
        return 2
    unknown = [m for m in args.mixes.split(",") if m and m not in ALL_MIXES]
    if unknown:
        print(f"error: unknown mix {unknown[0]!r}", file=sys.stderr)
        return 2
    with ExitStack() as stack:
        if args.stack:
            data = args.stack_data or args.stack.resolve().parent / "stack"
            services = stack.enter_context(running_stack(args.stack, data, args.workers))
            print(f"stack: API {services.api_url} ({args.workers} workers), Meilisearch "
                  f"{services.meili_url}, Redis {services.redis_url}", flush=True)
            return run(args, services.api_url.rstrip("/"), services.meili_url,
                       services.meili_key, services.index)
        if not args.meili_url or not args.meili_key:
            print("error: set MEILI_URL and MEILI_MASTER_KEY (or --meili-url/--meili-key)",
                  file=sys.stderr)
            return 2
        return run(args, args.api.rstrip("/"), args.meili_url.rstrip("/"), args.meili_key,
                   args.index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
