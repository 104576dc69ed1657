"""``python -m workers run|emails``: the worker, and what an operator does about emails.

* ``run`` – the arq worker under :mod:`workers.supervisor` (it survives Redis outages).
* ``emails --failed`` – emails that failed permanently or are uncertain, one a line:
  ``{job}:{registration id}``, the state and its detail (an SMTP stage and status).
* ``emails --resend ID`` – queue one of them again (ID as ``--failed`` prints it).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from arq.connections import create_pool
from redis.exceptions import RedisError

from core.redis_clients import arq_redis_settings, redis_client
from core.settings import Settings, SettingsError
from workers.failed_emails import UnknownEmail, failed_emails, resend
from workers.supervisor import supervise

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDIS_TIMEOUT_SECONDS = 5.0


async def _list_failed(settings: Settings) -> int:
    redis = redis_client(settings, timeout=REDIS_TIMEOUT_SECONDS)
    count = 0
    try:
        async for email in failed_emails(redis):
            print(f"{email.email_id}\t{email.state}\t{email.detail}")
            count += 1
    finally:
        await redis.aclose()
    print(f"{count} failed or uncertain", file=sys.stderr)
    return 0


async def _resend(settings: Settings, email_id: str) -> int:
    redis_settings = arq_redis_settings(settings)
    redis_settings.conn_timeout = int(REDIS_TIMEOUT_SECONDS)
    redis_settings.conn_retries = 0
    queue = await create_pool(redis_settings)
    try:
        outcome = await resend(queue, email_id)
    finally:
        await queue.aclose()
    if outcome != "OK":
        print(f"error: {email_id} was not sent again: it is {outcome}", file=sys.stderr)
        return 2
    print(f"{email_id} queued again")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the worker (reconnects when Redis comes back)")
    emails = commands.add_parser("emails", help="emails that failed permanently or are uncertain")
    action = emails.add_mutually_exclusive_group(required=True)
    action.add_argument("--failed", action="store_true", help="list them")
    action.add_argument("--resend", metavar="ID", help="send this one again")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.command == "run":
        logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
        asyncio.run(supervise(settings))
        return 0
    try:
        if args.failed:
            return asyncio.run(_list_failed(settings))
        return asyncio.run(_resend(settings, args.resend))
    except UnknownEmail as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (RedisError, OSError) as exc:
        print(f"error: Redis did not answer ({type(exc).__name__})", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
