"""Cron: deleted personal data leaves the disk within ``PERSONAL_DATA_DISK_ERASURE_HOURS``.

Erasing a registration (the jobseeker's erase link, the purge of expired ones) deletes it
from Redis's memory at once, but the append-only file keeps the commands that wrote it
until the file is rewritten, which Redis itself does only when the file has doubled (about
10,000 registrations later at the default 64 MB). Every erasure sets the pending mark
(:mod:`core.visits.disk_erasure`); this job, every ten minutes, rewrites the file
(``BGREWRITEAOF``) once the oldest pending erasure is within an hour of the bound, waits
until Redis reports the rewrite done, and only then clears the mark. So rewrites happen at
most about once per bound (once a day by default), never per erasure.

RDB snapshots hold data too. The setups we ship turn them off (``save ""``); a server that
has them on (``CONFIG GET save`` not empty, or unreadable) also gets a ``BGSAVE`` after the
rewrite, which replaces the snapshot file.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from core.redis_values import as_text
from core.settings import Settings
from core.visits import disk_erasure

logger = logging.getLogger("workers.disk_erasure")

LEAD_SECONDS = 3600
"""The rewrite starts this long before the bound: the cron's period plus the rewrite."""
POLL_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class BackgroundWrite:
    """A fork-based rewrite of one of Redis's files, and the INFO fields that follow it."""

    name: str
    start: Callable[[Redis], Awaitable[Any]]
    counter: str
    busy: tuple[str, ...]
    status: str


AOF_REWRITE = BackgroundWrite(
    "BGREWRITEAOF", lambda redis: redis.bgrewriteaof(),  # type: ignore[no-untyped-call]
    "aof_rewrites", ("aof_rewrite_in_progress", "aof_rewrite_scheduled"),
    "aof_last_bgrewrite_status")
RDB_SAVE = BackgroundWrite("BGSAVE", lambda redis: redis.bgsave(schedule=True), "rdb_saves",
                           ("rdb_bgsave_in_progress",), "rdb_last_bgsave_status")


class BackgroundWriteFailed(RuntimeError):
    """Redis reported the rewrite or save failed; the mark stays and the next run retries."""


async def erase_personal_data_from_disk(ctx: dict[str, Any]) -> str:
    """Rewrite Redis's files once the oldest pending erasure is due; clear the mark after."""
    settings: Settings = ctx["settings"]
    redis: Redis = ctx["redis"]
    mark = await disk_erasure.pending(redis)
    if mark is None:
        return "no erasure pending"
    now = int(time.time())
    bound = settings.personal_data_disk_erasure_hours * 3600
    due = mark.since + max(0.0, bound - LEAD_SECONDS)
    if now < due:
        return f"erasure pending since {mark.since}, rewrite due at {int(due)}"
    persistence: dict[str, Any] = await redis.info("persistence")
    if int(persistence["aof_enabled"]) == 1:
        await run_to_completion(redis, AOF_REWRITE)
    if await snapshots_enabled(redis):
        await run_to_completion(redis, RDB_SAVE)
    cleared = await disk_erasure.settle(redis, mark, now)
    logger.info("erase_personal_data_from_disk: rewritten; pending since %d %s", mark.since,
                "cleared" if cleared else "kept (erasures came during the rewrite)")
    return "rewritten, mark cleared" if cleared else "rewritten, newer erasures still pending"


async def snapshots_enabled(redis: Redis) -> bool:
    """Whether the server writes RDB snapshots; a server that will not say counts as yes."""
    try:
        config: dict[Any, Any] = await redis.config_get("save")
    except ResponseError:
        return True
    return any(as_text(value).strip() for value in config.values())


async def run_to_completion(redis: Redis, write: BackgroundWrite) -> None:
    """Start ``write`` and return once Redis reports it finished successfully.

    One already running may have forked before the erasures, so it is waited out first and
    ours starts after it: the next completed write counted by ``write.counter`` is ours.
    """
    await _wait(redis, lambda info: _idle(info, write))
    before = int((await redis.info("persistence"))[write.counter])
    await write.start(redis)
    info = await _wait(redis,
                       lambda info: int(info[write.counter]) > before and _idle(info, write))
    if as_text(info[write.status]) != "ok":
        raise BackgroundWriteFailed(f"{write.name} failed: {write.status} is "
                                    f"{as_text(info[write.status])}")


def _idle(info: dict[str, Any], write: BackgroundWrite) -> bool:
    return all(int(info[field]) == 0 for field in write.busy)


async def _wait(redis: Redis, done: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """Poll INFO until ``done(info)``; the job's own timeout bounds the wait."""
    while True:
        info: dict[str, Any] = await redis.info("persistence")
        if done(info):
            return info
        await asyncio.sleep(POLL_SECONDS)
