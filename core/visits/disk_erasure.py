"""The "erasure pending" mark: personal data was deleted, but the disk may still hold it.

Redis's append-only file is a log: deleting a registration appends a ``DEL`` and leaves the
earlier ``HSET`` with the name and email in the file until the file is rewritten. So every
erasure (:meth:`core.visits.store.RegistrationStore.erase`, in the same Lua script) sets
this mark, and :mod:`workers.disk_erasure` rewrites the file in time and then clears it.

The mark is a hash ``privacy:disk-erasure-pending``: ``since`` (Unix s of the oldest
erasure not yet rewritten away, set only when absent) and ``erasures`` (a counter). The job
reads the counter before it starts a rewrite; afterwards :func:`settle` clears the mark
only when no erasure came since, and otherwise moves ``since`` to the rewrite's start: an
erasure after the fork of the rewrite is still in the new file's base or its increment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from core.redis_values import as_text
from core.visits.awaiting import result

PENDING_KEY = "privacy:disk-erasure-pending"

_SETTLE = """
if redis.call('HGET', KEYS[1], 'erasures') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'since', ARGV[2])
end
return 0
"""


@dataclass(frozen=True, slots=True)
class PendingErasure:
    since: int
    erasures: str


async def pending(redis: Redis) -> PendingErasure | None:
    """The mark, or None when the disk holds no erased personal data (as far as we know)."""
    raw = await result(redis.hgetall(PENDING_KEY))
    fields = {as_text(k): as_text(v) for k, v in raw.items()}
    if "since" not in fields:
        return None
    return PendingErasure(int(fields["since"]), fields.get("erasures", "0"))


async def settle(redis: Redis, seen: PendingErasure, rewrite_started: int) -> bool:
    """After a confirmed rewrite that started at ``rewrite_started`` (and after ``seen`` was
    read): clear the mark if no erasure came since; whether it was cleared."""
    script: Any = redis.register_script(_SETTLE)
    cleared = await script(keys=[PENDING_KEY], args=[seen.erasures, rewrite_started])
    return int(cleared) == 1
