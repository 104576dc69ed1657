"""CPU time the HTTP edge adds to a search request, measured in-process.

    .venv/bin/python bench/http_edge_overhead.py [--requests 200000]

Calls a minimal ASGI app that reads the body and answers (standing in for the compiled
search endpoint) directly and through :class:`api.http.limits.RequestLimits` plus the
media-type checks the compiled endpoint makes, with the body and headers of a search
request, and prints the difference per request: as served by ``python -m api`` (whose
protocol times the read) and by another server (the layer's own timer). The search
bench, ``search_load.py``, measures whole requests; this isolates the edge, whose cost
is far below that bench's noise. (The protocol's timer, armed and cancelled once per
request, costs about 4 µs more; not included here.)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from starlette.types import Message, Receive, Scope, Send

from api.http.limits import RequestLimits
from api.http.media import is_json_request, response_media_type
from api.http.protocol import SERVED_BY_PROTOCOL

BODY = b'{"query": "{ searchCourses(query: \\"svetsare\\", first: 5) { totalCount } }"}'
HEADERS = [(b"host", b"api"), (b"content-type", b"application/json"),
           (b"accept", b"application/graphql-response+json, application/json;q=0.9"),
           (b"content-length", str(len(BODY)).encode())]


async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
    message = await receive()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": message["body"]})


async def negotiating_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
    content_type = accept = None
    for name, value in scope["headers"]:
        if name == b"content-type":
            content_type = value
        elif name == b"accept":
            accept = value
    if response_media_type(accept) is not None and is_json_request(content_type):
        await endpoint(scope, receive, send)


async def run(app: object, requests: int, marked: bool = False) -> float:
    async def receive() -> Message:
        return {"type": "http.request", "body": BODY, "more_body": False}

    async def send(message: Message) -> None:
        pass

    call = app.__call__  # type: ignore[attr-defined]
    started = time.process_time()
    for _ in range(requests):
        scope = {"type": "http", "method": "POST", "path": "/graphql", "headers": HEADERS,
                 SERVED_BY_PROTOCOL: marked}
        await call(scope, receive, send)
    return time.process_time() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200_000)
    args = parser.parse_args(argv)
    edge = RequestLimits(negotiating_endpoint, 64 * 1024, 5.0)
    for _ in range(3):
        plain = asyncio.run(run(endpoint, args.requests)) / args.requests * 1e6
        served = asyncio.run(run(edge, args.requests, marked=True)) / args.requests * 1e6
        other = asyncio.run(run(edge, args.requests)) / args.requests * 1e6
        print(f"per request: {plain:.2f} µs without the edge; with it {served:.2f} µs under "
              f"python -m api (+{served - plain:.2f}), {other:.2f} µs under another server "
              f"(+{other - plain:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
