"""Provider keys: bearer secrets scoped to one organisation number.

A key reads ``fk_<key id>_<secret>``: the key id (public, shown by ``list``) finds the
record, the secret (256 random bits) proves the holder. Redis keeps only the SHA-256
digest of the whole key, compared in constant time; with 256 random bits a plain digest
is as strong as a keyed one, and keys survive a change of ``SECRET_KEY``. The key itself
is shown once, when it is created.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from redis.asyncio import Redis

from core.feeds import keys
from core.visits.awaiting import result

KEY_PREFIX = "fk"
KEY_ID_HEX_CHARS = 12
SECRET_BYTES = 32


@dataclass(frozen=True, slots=True)
class ProviderKey:
    """A key's public record (never the key itself)."""

    key_id: str
    organisation_number: str
    created_at: str


@dataclass(frozen=True, slots=True)
class NewProviderKey:
    """A key just created: ``key`` is shown once and stored nowhere."""

    record: ProviderKey
    key: str


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_id_of(key: str) -> str | None:
    """The key id a presented key names, or None when it is not shaped like a key."""
    prefix, _, rest = key.partition("_")
    key_id, separator, secret = rest.partition("_")
    if (prefix != KEY_PREFIX or separator != "_" or len(key_id) != KEY_ID_HEX_CHARS
            or not secret or not all(c in "0123456789abcdef" for c in key_id)):
        return None
    return key_id


class ProviderKeys:
    """Create, revoke, list and check provider keys (one Redis hash of digests)."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def create(self, organisation_number: str) -> NewProviderKey:
        key_id = secrets.token_hex(KEY_ID_HEX_CHARS // 2)
        key = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(SECRET_BYTES)}"
        created_at = datetime.now(UTC).isoformat(timespec="seconds")
        entry = {"organisationNumber": organisation_number, "digest": _digest(key),
                 "createdAt": created_at}
        added = await result(self._redis.hsetnx(keys.PROVIDER_KEYS, key_id, json.dumps(entry)))
        if not added:  # a 48-bit id collision: try once more with a fresh key
            return await self.create(organisation_number)
        return NewProviderKey(ProviderKey(key_id, organisation_number, created_at), key)

    async def revoke(self, organisation_number: str, key_id: str) -> bool:
        """Remove the provider's key; False when the provider has no key of that id."""
        owned = {k.key_id for k in await self.list(organisation_number)}
        if key_id not in owned:
            return False
        return bool(await result(self._redis.hdel(keys.PROVIDER_KEYS, key_id)))

    async def list(self, organisation_number: str) -> list[ProviderKey]:
        """The provider's keys, oldest first."""
        raw = await result(self._redis.hgetall(keys.PROVIDER_KEYS))
        found = []
        for key_id, value in raw.items():
            entry = json.loads(value)
            if entry["organisationNumber"] == organisation_number:
                found.append(ProviderKey(key_id.decode() if isinstance(key_id, bytes)
                                         else str(key_id), organisation_number,
                                         entry["createdAt"]))
        return sorted(found, key=lambda k: (k.created_at, k.key_id))

    async def authenticate(self, key: str) -> ProviderKey | None:
        """The record of the presented key, or None when it is not a live key."""
        key_id = key_id_of(key)
        if key_id is None:
            return None
        value = await result(self._redis.hget(keys.PROVIDER_KEYS, key_id))
        if value is None:
            return None
        entry = json.loads(value)
        if not hmac.compare_digest(entry["digest"], _digest(key)):
            return None
        return ProviderKey(key_id, entry["organisationNumber"], entry["createdAt"])
