"""Search req/s with one and with two Meilisearch instances (``MEILI_URLS``).

    .venv/bin/python bench/search_replicas.py [--courses 5000] [--duration 10]
                                              [--concurrency 32]

Starts two Meilisearch instances, a Redis and the API (``python -m api``, one worker, the
search cache off so every search reaches Meilisearch) on free loopback ports, loads a
generated sample into both instances through the indexer (``indexer.replicas``), then
measures with wrk, for one instance (``MEILI_URL``) and for two (``MEILI_URLS``):

* the engine: the same text searches as multi-search bodies straight to Meilisearch (with
  two instances, two wrk processes at once, one per instance, half the connections each);
* our path: the API's ``searchCourses`` for them (the API spreads over the instances).

Prints req/s of each and the API/engine ratio. Every process is stopped and the temporary
folder removed at the end. On one machine both instances share its cores, so a second
instance adds no capacity here (docs/scaling.md gives the arithmetic for more machines).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from devstack.meilisearch_binary import ensure_meilisearch
from devstack.processes import (
    ManagedProcess,
    free_port,
    http_ok,
    start_meilisearch,
    start_redis,
    wait_ready,
)

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["svets", "lager", "truck", "vård", "kock", "el", "bygg", "data", "städ", "buss",
         "undersköterska", "lastbil", "snickare", "målare", "frisör", "barn", "ekonomi",
         "logistik", "programmering", "svenska"]
LUA = """
local bodies, n = {}, 0
function init(args)
  for line in io.lines(args[1]) do table.insert(bodies, line) end
end
function request()
  n = n + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/json",
    ["Authorization"] = AUTH}, bodies[(n % #bodies) + 1])
end
"""
QUERY = ("query S($q: String!) { searchCourses(query: $q, first: 10) "
         "{ totalCount edges { node { id title } } } }")


def _wrk(url: str, bodies: Path, script: Path, connections: int, seconds: int
         ) -> subprocess.Popen[str]:
    return subprocess.Popen(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s",
                             str(script), url, "--", str(bodies)],
                            stdout=subprocess.PIPE, text=True)


def _rate(process: subprocess.Popen[str]) -> tuple[float, int]:
    output, _ = process.communicate()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, int(errors[1]) if errors else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=5000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args(argv)
    key = secrets.token_urlsafe(24)
    processes: list[ManagedProcess] = []
    with tempfile.TemporaryDirectory(prefix="bench-search-replicas-") as name:
        folder = Path(name)
        try:
            urls = []
            for number in range(2):
                port = free_port()
                processes.append(start_meilisearch(ensure_meilisearch(), folder / f"m{number}",
                                                   port, key))
                urls.append(f"http://127.0.0.1:{port}")
            redis_port = free_port()
            processes.append(start_redis(redis_port, folder / "redis", appendonly=False))
            base_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                        "MEILI_MASTER_KEY": key, "MEILI_INDEX": "courses",
                        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                        "SECRET_KEY": "b" * 40, "SEARCH_CACHE_SIZE": "0",
                        "REDIS_DURABILITY": "none"}
            subprocess.run([sys.executable, "-m", "devstack", "sample", "--out",
                            str(folder / "feeds"), "--courses", str(args.courses)],
                           check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
            subprocess.run([sys.executable, "-m", "indexer", "load", "--rebuild", "--quiet",
                            str(folder / "feeds")], check=True, cwd=ROOT,
                           env={**base_env, "MEILI_URLS": ",".join(urls)},
                           stdout=subprocess.DEVNULL)
            meili_bodies = folder / "meili.jsonl"
            meili_bodies.write_text("".join(json.dumps({"queries": [
                {"indexUid": "courses", "q": word, "limit": 10,
                 "attributesToRetrieve": ["id", "title"]}]}) + "\n" for word in WORDS))
            api_bodies = folder / "api.jsonl"
            api_bodies.write_text("".join(json.dumps({"query": QUERY, "variables": {
                "q": word}}) + "\n" for word in WORDS))
            meili_script, api_script = folder / "meili.lua", folder / "api.lua"
            meili_script.write_text(f'AUTH = "Bearer {key}"\n' + LUA)
            api_script.write_text('AUTH = ""\n' + LUA)
            results = []
            for count in (1, 2):
                half = args.concurrency // count
                engine = [_wrk(f"{url}/multi-search", meili_bodies, meili_script, half,
                               args.duration) for url in urls[:count]]
                engine_rate = sum(_rate(process)[0] for process in engine)
                api_port = free_port()
                setting = ({"MEILI_URL": urls[0]} if count == 1
                           else {"MEILI_URLS": ",".join(urls)})
                api = ManagedProcess("api", [sys.executable, "-m", "api", "--port",
                                             str(api_port), "--no-access-log", "--log-level",
                                             "warning"], folder / f"api{count}.log",
                                     {**base_env, **setting}, ROOT).start()
                processes.append(api)
                wait_ready(api, lambda p=api_port: http_ok(f"http://127.0.0.1:{p}/readyz"), 60)
                api_rate, errors = _rate(_wrk(f"http://127.0.0.1:{api_port}/graphql",
                                              api_bodies, api_script, args.concurrency,
                                              args.duration))
                api.stop()
                results.append((count, engine_rate, api_rate, errors))
                print(f"{count} instance(s): engine {engine_rate:.0f} req/s, API "
                      f"{api_rate:.0f} req/s ({errors} errors), ratio "
                      f"{api_rate / engine_rate:.2f}", flush=True)
        finally:
            for process in reversed(processes):
                process.stop()
    (_, engine1, api1, _), (_, engine2, api2, _) = results
    print(f"two instances / one: engine {engine2 / engine1:.2f}, API {api2 / api1:.2f} "
          f"({os.cpu_count()} cores, {args.concurrency} connections, {args.courses} courses)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
