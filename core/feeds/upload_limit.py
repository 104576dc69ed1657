"""Uploads per provider key in a sliding hour.

One Lua script drops the uploads that left the window and either records this one or,
at the limit, answers how many milliseconds until the oldest leaves it (the
``Retry-After``). Counted per key, so one provider's retries never block another.
"""

from __future__ import annotations

import secrets
from typing import Any

from redis.asyncio import Redis

from core.feeds import keys

WINDOW_SECONDS = 3600

_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return 0
"""


class UploadLimit:
    """``take`` records an upload, or answers the seconds to wait when at the limit."""

    def __init__(self, redis: Redis, per_hour: int) -> None:
        self._per_hour = per_hour
        self._script: Any = redis.register_script(_SCRIPT)

    async def take(self, key_id: str) -> int:
        """0 when the upload may go ahead, else the whole seconds until one may."""
        wait_ms = int(await self._script(
            keys=[keys.uploads(key_id)],
            args=[WINDOW_SECONDS * 1000, self._per_hour, secrets.token_hex(8)],
        ))
        return 0 if wait_ms == 0 else -(-wait_ms // 1000)
