"""``python -m indexer provider-keys create|revoke|list ORGNR``: the feed API's keys.

``create`` prints the new key once, on standard output (and nothing else there, for
scripts); Redis keeps only its digest. ``list`` shows key ids and creation times, never
keys. ``revoke`` removes one key by its id (or ``--all`` of the provider's); the API
refuses a revoked key at its next request.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.feeds.organisations import canonical_organisation_number
from core.feeds.provider_keys import ProviderKeys
from core.redis_clients import redis_client
from core.settings import Settings

EXIT_OK = 0
EXIT_FAILED = 1


def add_parser(commands: Any) -> None:
    """The ``provider-keys`` subcommand, on the CLI's subparsers."""
    parser = commands.add_parser("provider-keys", help="create, revoke and list the keys "
                                 "providers upload feeds with")
    actions = parser.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a key and print it (once)")
    create.add_argument("organisation", help="organisation number, NNNNNN-NNNN")
    revoke = actions.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("organisation", help="organisation number, NNNNNN-NNNN")
    revoke.add_argument("key_id", nargs="?", help="the key id (see list)")
    revoke.add_argument("--all", action="store_true", help="revoke every key of the provider")
    listing = actions.add_parser("list", help="list key ids and creation times")
    listing.add_argument("organisation", help="organisation number, NNNNNN-NNNN")


async def _run(args: argparse.Namespace, number: str, redis: Redis) -> int:
    keys = ProviderKeys(redis)
    if args.action == "create":
        created = await keys.create(number)
        print(created.key)
        print(f"created key {created.record.key_id} for {number}; store it now, it is "
              "not shown again", file=sys.stderr)
        return EXIT_OK
    if args.action == "list":
        for key in await keys.list(number):
            print(f"{key.key_id}  created {key.created_at}")
        return EXIT_OK
    if args.all == bool(args.key_id):
        print("error: give either a key id or --all", file=sys.stderr)
        return EXIT_FAILED
    ids = [k.key_id for k in await keys.list(number)] if args.all else [args.key_id]
    revoked = [key_id for key_id in ids if await keys.revoke(number, key_id)]
    if not args.all and not revoked:
        print(f"error: {number} has no key {args.key_id}", file=sys.stderr)
        return EXIT_FAILED
    print(f"revoked {len(revoked)} key(s) of {number}: {', '.join(revoked) or '-'}")
    return EXIT_OK


def run(args: argparse.Namespace, settings: Settings) -> int:
    number = canonical_organisation_number(args.organisation)
    if number is None:
        print(f"error: {args.organisation!r} is not an organisation number (NNNNNN-NNNN with "
              "a valid check digit)", file=sys.stderr)
        return EXIT_FAILED

    async def main() -> int:
        redis = redis_client(settings, timeout=5)
        try:
            return await _run(args, number, redis)
        finally:
            await redis.aclose()

    try:
        return asyncio.run(main())
    except (RedisError, OSError) as exc:
        print(f"error: Redis cannot be reached ({type(exc).__name__}); nothing was changed",
              file=sys.stderr)
        return EXIT_FAILED
