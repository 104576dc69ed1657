"""Sliding-window rate limits on registrations, per client address and per email.

Each limited subject has a sorted set of its accepted attempts (score: time in ms). One
Lua script drops the attempts that left the window, refuses when any subject is at its
limit, and otherwise records the attempt for every subject, atomically. The subjects
are keyed HMACs, never the address or email in clear.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from core.visits import keys
from core.visits.pseudonyms import client_digest, email_digest

_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= tonumber(ARGV[2 + i]) then
    return i
  end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('PEXPIRE', key, window)
end
return 0
"""


@dataclass(frozen=True, slots=True)
class RateLimits:
    per_client: int
    per_email: int
    window_seconds: int


class RegistrationRateLimiter:
    """``allow`` answers whether one more registration attempt may go ahead."""

    def __init__(self, redis: Redis, secret_key: str, limits: RateLimits) -> None:
        self._redis = redis
        self._secret_key = secret_key
        self._limits = limits
        self._script: Any = redis.register_script(_SCRIPT)

    async def allow(self, client_address: str, email: str) -> bool:
        client_key = keys.rate_limit("ip", client_digest(self._secret_key, client_address))
        email_key = keys.rate_limit("email", email_digest(self._secret_key, email))
        refused = await self._script(
            keys=[client_key, email_key],
            args=[
                self._limits.window_seconds * 1000,
                secrets.token_hex(8),
                self._limits.per_client,
                self._limits.per_email,
            ],
        )
        return int(refused) == 0
