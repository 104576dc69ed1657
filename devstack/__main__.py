"""Development tooling: ``python -m devstack up|sample|mail|fetch-meilisearch``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from devstack import sample_feeds
from devstack.mailsink import read_folder
from devstack.mailview import render
from devstack.meilisearch_binary import ensure_meilisearch
from devstack.stack import ROOT, StackOptions, run_stack


def main(argv: list[str]) -> int:
    if argv and argv[0] == "sample":
        return int(sample_feeds.main(argv[1:]))
    parser = argparse.ArgumentParser(prog="python -m devstack")
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start every service, load the sample data, serve the API")
    up.add_argument("--var", type=Path, default=ROOT / "var", help="state and logs folder")
    up.add_argument("--port", type=int, default=8000, help="API port")
    up.add_argument("--meili-port", type=int, default=7700, help="Meilisearch port")
    up.add_argument("--redis-port", type=int, default=6379,
                    help="Redis port (its own Redis; a free port if taken)")
    up.add_argument("--smtp-port", type=int, default=1025, help="SMTP sink port")
    up.add_argument("--providers", type=int, default=80, help="sample providers")
    up.add_argument("--courses", type=int, default=2000, help="sample courses")
    up.add_argument("--load-sample", action="store_true",
                    help="load the sample also into an index that already holds courses "
                    "(a plain, guarded load; never a rebuild)")
    commands.add_parser("sample", help="generate sample feeds (see sample --help)")
    mail = commands.add_parser("mail", help="list or show the emails the SMTP sink received")
    mail.add_argument("--var", type=Path, default=ROOT / "var")
    mail.add_argument("number", nargs="?", type=int,
                      help="show this message: decoded text, links written out")
    commands.add_parser("fetch-meilisearch", help="fetch and verify the Meilisearch binary")
    args = parser.parse_args(argv)
    if args.command == "up":
        options = StackOptions(
            var_dir=args.var,
            api_port=args.port,
            meili_port=args.meili_port,
            redis_port=args.redis_port,
            smtp_port=args.smtp_port,
            providers=args.providers,
            courses=args.courses,
            load_sample=args.load_sample,
        )
        return run_stack(options, os.environ)
    if args.command == "fetch-meilisearch":
        print(ensure_meilisearch())
        return 0
    messages = read_folder(args.var / "mail")
    if args.number is not None:
        if not 1 <= args.number <= len(messages):
            print(f"error: no message {args.number}; there are {len(messages)}", file=sys.stderr)
            return 1
        print(render(messages[args.number - 1][1]))
        return 0
    for number, (_path, message) in enumerate(messages, start=1):
        print(f"{number:4d}  {message['Date']}  to {message['To']}  {message['Subject']}")
    if not messages:
        print("no messages yet")
    return 0


sys.exit(main(sys.argv[1:]))
