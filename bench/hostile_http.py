"""What hostile HTTP clients cost the production-mode API, and whether searches still answer.

    .venv/bin/python bench/hostile_http.py [--slow-clients 50] [--malformed 3000]

Starts its own Meilisearch (a generated sample of 400 courses), Redis and the API as
``python -m api`` (DEVELOPMENT unset, default limits) on free loopback ports with a
temporary data folder, then prints:

- the time until a 100 MiB upload is answered 413 (the client keeps sending);
- the time until a slow client (headers trickled one byte per half second) is dropped;
- the API's resident memory before and after a hostile set, run at once: the 100 MiB
  body, a query padded with 10 MB of whitespace, variables nested 30,000 (in 60 KB) and
  100,000 deep, ``--slow-clients`` slowloris connections, ``--malformed`` malformed
  requests (bad JSON, wrong media types, wrong methods, broken HTTP);
- how normal searches, sent one after another meanwhile, fared.

Every process started is stopped at the end. Takes about a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import secrets
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from meilisearch import Client

from core.reference import load_reference
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
from indexer.loader import CourseIndexer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from procstat import pids_listening, rss_bytes

ROOT = Path(__file__).resolve().parent.parent
SEARCH = {"query": '{ searchCourses(query: "svetsare", first: 5) { totalCount edges { node '
                   "{ title } } } }"}
MIB = 1024 * 1024


def upload_until_answered(port: int, size: int) -> tuple[float, bytes]:
    """Seconds from the first byte of a ``size``-byte upload to the answer's status line,
    with the body sent on meanwhile until the server stops reading."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = (f"POST /graphql HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
            f"Content-Length: {size}\r\n\r\n").encode()
    started = time.perf_counter()

    def send_body() -> None:
        chunk = b" " * (256 * 1024)
        try:
            sock.sendall(head)
            for _ in range(size // len(chunk)):
                sock.sendall(chunk)
        except OSError:
            pass

    sender = threading.Thread(target=send_body, daemon=True)
    sender.start()
    answer = b""
    try:
        while b"\r\n" not in answer:
            data = sock.recv(4096)
            if not data:
                break
            answer += data
    except OSError:
        pass
    elapsed = time.perf_counter() - started
    sock.close()
    sender.join(5)
    return elapsed, answer.split(b"\r\n", 1)[0]


async def slow_client(port: int, limit: float) -> float:
    """Seconds until the server drops a client that trickles its headers."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.perf_counter()
    writer.write(b"POST /graphql HTTP/1.1\r\nHost: bench\r\nX-Slow: ")
    try:
        while time.perf_counter() - started < limit:
            writer.write(b"a")
            await writer.drain()
            try:
                if await asyncio.wait_for(reader.read(4096), 0.5) == b"":
                    break
            except TimeoutError:
                continue
            # an answer (408): read on until the close
            while await reader.read(4096):
                pass
            break
    except (ConnectionError, OSError):
        pass
    writer.close()
    return time.perf_counter() - started


async def malformed(base: str, port: int, count: int) -> dict[str, int]:
    statuses: dict[str, int] = {}
    bodies = [
        (b"{not json", "application/json"),
        (json.dumps(SEARCH).encode(), "application/jsonx"),
        (json.dumps(SEARCH).encode(), "text/plain"),
        (b'{"query": 1}', "application/json"),
        (b"[]", "application/json"),
        (b'{"query": "{ regions { code }"}', "application/json"),
    ]
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=16)) as client:
        async def one(i: int) -> None:
            if i % 10 == 9:  # broken HTTP on a raw connection
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(b"BREW /graphql HTCPCP/1.0\r\n\r\n")
                line = await reader.readline()
                writer.close()
                key = line.split(b" ")[1].decode() if line.count(b" ") >= 2 else "closed"
            elif i % 10 == 8:
                key = str((await client.put(f"{base}/graphql", content=b"{}")).status_code)
            else:
                body, media = bodies[i % len(bodies)]
                response = await client.post(f"{base}/graphql", content=body,
                                             headers={"Content-Type": media})
                key = str(response.status_code)
            statuses[key] = statuses.get(key, 0) + 1

        semaphore = asyncio.Semaphore(16)

        async def bounded(i: int) -> None:
            async with semaphore:
                await one(i)

        await asyncio.gather(*(bounded(i) for i in range(count)))
    return statuses


async def searches(base: str, stop: asyncio.Event) -> tuple[int, int, float]:
    """Searches one after another until ``stop``: (answered, failed, slowest seconds)."""
    ok = failed = 0
    slowest = 0.0
    async with httpx.AsyncClient(timeout=10) as client:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                response = await client.post(f"{base}/graphql", json=SEARCH)
                good = response.status_code == 200 and \
                    response.json()["data"]["searchCourses"]["totalCount"] > 0
            except httpx.HTTPError:
                good = False
            slowest = max(slowest, time.perf_counter() - started)
            ok, failed = (ok + 1, failed) if good else (ok, failed + 1)
            await asyncio.sleep(0.02)
    return ok, failed, slowest


def post_in_thread(url: str, body: bytes) -> int:
    try:
        return httpx.post(url, content=body, headers={"Content-Type": "application/json"},
                          timeout=30).status_code
    except httpx.HTTPError as exc:
        return -len(type(exc).__name__)


async def hostile_set(base: str, port: int, slow: int, count: int, read_limit: float
                      ) -> None:
    stop = asyncio.Event()
    search_task = asyncio.create_task(searches(base, stop))
    started = time.perf_counter()
    padded = json.dumps({"query": "{" + " " * 10_000_000 + "regions { code } }"}).encode()
    deep = [b'{"query": "{ regions { code } }", "variables": {"v": ' + b"[" * depth
            + b"]" * depth + b"}}" for depth in (30_000, 100_000)]
    loop = asyncio.get_running_loop()
    results = await asyncio.gather(
        loop.run_in_executor(None, upload_until_answered, port, 100 * MIB),
        loop.run_in_executor(None, post_in_thread, f"{base}/graphql", padded),
        *(loop.run_in_executor(None, post_in_thread, f"{base}/graphql", body) for body in deep),
        *(slow_client(port, read_limit + 30) for _ in range(slow)),
        malformed(base, port, count),
    )
    elapsed = time.perf_counter() - started
    stop.set()
    ok, failed, slowest = await search_task
    upload, padded_status, deep30k, deep100k = results[:4]
    drops = sorted(results[4:4 + slow])  # type: ignore[arg-type]
    print(f"hostile set: done in {elapsed:.1f} s")
    print(f"  100 MiB upload: {upload[1].decode()} after {upload[0]:.3f} s")  # type: ignore[index]
    print(f"  10 MB padded query: HTTP {padded_status}")
    print(f"  variables nested 30,000 deep: HTTP {deep30k}; 100,000 deep: HTTP {deep100k}")
    print(f"  {slow} slow clients dropped after {drops[0]:.1f}-{drops[-1]:.1f} s")
    print(f"  {count} malformed requests: {results[-1]}")
    print(f"  searches meanwhile: {ok} answered, {failed} failed, slowest {slowest * 1000:.0f} ms")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow-clients", type=int, default=50)
    parser.add_argument("--malformed", type=int, default=3000)
    args = parser.parse_args(argv)
    started: list[ManagedProcess] = []
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        work = Path(tmp)
        key = secrets.token_urlsafe(24)
        meili_port, redis_port, api_port = free_port(), free_port(), free_port()
        try:
            started.append(start_meilisearch(ensure_meilisearch(), work / "meili", meili_port,
                                             key, work / "meili.log"))
            started.append(start_redis(redis_port, work / "redis"))
            paths = []
            for number, feed in enumerate(generate_feeds(providers=10, courses=400,
                                                         today=datetime.date.today())):
                paths.append(work / f"feed{number}.json")
                paths[-1].write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
            client = Client(f"http://127.0.0.1:{meili_port}", key)
            CourseIndexer(client, "courses", load_reference(), 120).rebuild(paths)
            env = {
                **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")},
                "MEILI_URL": f"http://127.0.0.1:{meili_port}", "MEILI_MASTER_KEY": key,
                "MEILI_INDEX": "courses", "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                "SECRET_KEY": secrets.token_urlsafe(48),
            }
            api = ManagedProcess("api", [sys.executable, "-m", "api", "--port", str(api_port),
                                         "--no-access-log", "--log-level", "warning"],
                                 work / "api.log", env, ROOT).start()
            started.append(api)
            base = f"http://127.0.0.1:{api_port}"
            wait_ready(api, lambda: http_ok(f"{base}/readyz"), 60)
            for _ in range(20):  # warm up: the search compiled, the cache filled
                httpx.post(f"{base}/graphql", json=SEARCH, timeout=10).raise_for_status()
            pids = pids_listening(api_port)
            upload = upload_until_answered(api_port, 100 * MIB)
            print(f"100 MiB upload: {upload[1].decode()} after {upload[0]:.3f} s")
            dropped = asyncio.run(slow_client(api_port, 60))
            print(f"slow client (a header byte per 0.5 s): dropped after {dropped:.1f} s")
            before = rss_bytes(pids)
            print(f"API RSS before the hostile set: {before / MIB:.0f} MiB")
            asyncio.run(hostile_set(base, api_port, args.slow_clients, args.malformed, 5.0))
            after = rss_bytes(pids)
            print(f"API RSS after the hostile set: {after / MIB:.0f} MiB "
                  f"({(after - before) / MIB:+.0f} MiB)")
            healthy = httpx.post(f"{base}/graphql", json=SEARCH, timeout=10)
            print(f"a search afterwards: HTTP {healthy.status_code}")
        finally:
            for process in reversed(started):
                process.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
