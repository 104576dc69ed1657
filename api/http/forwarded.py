"""The client address rate limits count by, as far as it can be trusted.

``python -m api`` decides which proxies may report the client in ``X-Forwarded-For``
(``--proxy-headers --forwarded-allow-ips``; by default none, loopback included), and its
protocol marks every request it serves (:data:`api.http.protocol.SERVED_BY_PROTOCOL`), so
the address is taken as the server set it. Any other server is not trusted with it: plain ``uvicorn
api.app:app`` believes ``X-Forwarded-For`` from 127.0.0.1 by default, so a local client
could name any address and get a fresh rate-limit bucket per request. For such a server an
address that appears in the request's own ``X-Forwarded-For`` (where the server may have
taken it from) is not used: those requests share the one key :data:`FORWARDED`, as every
client behind an untrusted proxy shares the proxy's address.
"""

from __future__ import annotations

from starlette.types import Scope

from api.http.protocol import SERVED_BY_PROTOCOL

FORWARDED = "forwarded"


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    if not client:
        return "unknown"
    host = str(client[0])
    if scope.get(SERVED_BY_PROTOCOL) or host not in _forwarded_for(scope):
        return host
    return FORWARDED


def _forwarded_for(scope: Scope) -> set[str]:
    """The hosts named in ``X-Forwarded-For`` (ports and IPv6 brackets removed)."""
    hosts: set[str] = set()
    for name, value in scope["headers"]:
        if name != b"x-forwarded-for":
            continue
        for item in value.decode("latin-1").split(","):
            item = item.strip()
            if item.startswith("["):
                item = item[1:].partition("]")[0]
            elif item.count(":") == 1:
                item = item.partition(":")[0]
            hosts.add(item)
    return hosts
