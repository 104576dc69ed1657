"""``python -m api``: serve the API with uvicorn (settings from the environment)."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from api.http.protocol import protocol_factory
from core.logs import log_config
from core.settings import Settings, SettingsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (8000)")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes (1: the bench's choice on 2 cores shared with "
                             "Meilisearch, see README 'Search performance')")
    parser.add_argument("--log-level", default="info", help="uvicorn log level (info)")
    parser.add_argument("--no-access-log", action="store_true", help="no access log lines")
    parser.add_argument("--proxy-headers", action="store_true",
                        help="take the client address (and scheme) from X-Forwarded-For "
                             "(X-Forwarded-Proto) sent by the proxies --forwarded-allow-ips "
                             "names; off by default")
    parser.add_argument("--forwarded-allow-ips", default="",
                        help="comma-separated addresses or networks of the trusted reverse "
                             "proxies, '*' for any (none by default: X-Forwarded-For from "
                             "anyone, loopback included, is ignored)")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()  # fail early, with every problem named
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    trusted = args.forwarded_allow_ips.strip()
    if args.proxy_headers != bool(trusted):  # one without the other is a mistake
        print("error: --proxy-headers and --forwarded-allow-ips (naming the proxies to trust) "
              "go together", file=sys.stderr)
        return 1
    uvicorn.run(
        "api.app:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        log_config=log_config(settings.log_format, args.log_level),
        access_log=not args.no_access_log,
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips=trusted or None,
        loop="uvloop",  # the fast event loop and HTTP parser (uvicorn[standard])
        http=protocol_factory(settings.request_read_timeout_seconds,
                              settings.feed_read_timeout_seconds),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
