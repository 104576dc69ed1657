"""When a registration may be acknowledged: only once Redis has it on disk.

Redis is the system of record for registrations, so an answer "you are registered" (or
cancelled, decided, erased) must survive a crash of Redis right after it. Two ways, chosen
by ``REDIS_DURABILITY``:

* ``fsync``: the server runs with an append-only file and ``appendfsync always``: Redis
  writes and fsyncs every write before it replies, so a reply is already durable.
* ``waitaof``: the server fsyncs on its own schedule (``everysec``), and the API's store
  follows each registration change it answers (register, decide, cancel, erase) with
  ``WAITAOF 1 0 <timeout>`` on the same connection (Redis 7.2 or later): the answer waits
  until the local append-only file holds the change, and a change not confirmed in time is
  answered as ``ServiceUnavailable("registrations")``. The worker's changes are told to
  nobody at once (the purge, a removed visit's cancellation, whose e-mail follows), so it
  does not wait: ``everysec`` has them on disk within about a second.
* ``none``: no check and no wait, for tests and benchmarks that do not care.

With replicas (``REDIS_WAIT_REPLICAS`` > 0, e.g. under Sentinel) the same pipeline also
sends ``WAIT <replicas> <REDIS_WAIT_TIMEOUT_SECONDS>``: a change is acknowledged only once
that many replicas have it, so a failover to one of them loses no acknowledged change.
Fewer in time is ``ServiceUnavailable("registrations")`` (retryable); a new registration
is then taken back (:mod:`core.visits.store`).

The worker's delivery markers (:mod:`workers.markers`) wait the same way
(:func:`write_confirmed`): a marker that only the master holds is lost with it, and a
master cut off from the Sentinels keeps taking writes until they demote it, so an email
whose "sent" marker was not on a replica would go out again after the failover.

Every client waits longer than the server's waits (:func:`socket_timeout_seconds`), so a
wait that falls short is answered by the server ("not confirmed") rather than cut off by
the client's deadline, which would leave unknown whether the change was made.

:func:`check_server` runs at start-up of the API and the worker and refuses a server that
does not fit the mode, with a message naming the setting and what the server lacks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError, RedisError

from core.errors import ServiceUnavailable
from core.redis_values import as_text
from core.settings import Settings

WAITAOF_MIN_VERSION = (7, 2)
CHECK_SECONDS = 10.0
CLIENT_MARGIN_SECONDS = 1.0
"""How much longer than the server's waits the client waits for their answer."""

log = logging.getLogger(__name__)


class DurabilityMode(StrEnum):
    FSYNC = "fsync"
    WAITAOF = "waitaof"
    NONE = "none"


class RedisDurabilityError(RuntimeError):
    """The Redis server's persistence does not fit ``REDIS_DURABILITY``; the process stops."""


@dataclass(frozen=True, slots=True)
class AofWait:
    """What the store waits for after each registration change: the local fsync
    (``WAITAOF 1 0``, at most ``timeout_ms``; when ``local``) and ``replicas`` replicas
    (``WAIT``, at most ``replica_timeout_ms``; when more than 0)."""

    timeout_ms: int
    replicas: int = 0
    replica_timeout_ms: int = 0
    local: bool = True

    @property
    def longest_seconds(self) -> float:
        """The longest the server may take to answer both waits."""
        return ((self.timeout_ms if self.local else 0) + self.replica_timeout_ms) / 1000


def socket_timeout_seconds(settings: Settings) -> float:
    """The deadline of each Redis command: ``REDIS_TIMEOUT_SECONDS``, or longer than the
    longest wait a write may carry (plus :data:`CLIENT_MARGIN_SECONDS`) when that is more."""
    wait = aof_wait(settings)
    longest = 0.0 if wait is None else wait.longest_seconds + CLIENT_MARGIN_SECONDS
    return max(settings.redis_timeout_seconds, longest)


async def write_confirmed(redis: Redis, script: Any, keys: Sequence[str],
                          args: Sequence[Any], wait: AofWait) -> tuple[Any, bool]:
    """Run a write script followed by ``wait`` (``WAITAOF``, ``WAIT``); its reply (an
    exception object when the script failed) and whether the waits confirmed it.

    Both waits count the writes of their own connection, so they go in one pipeline with
    the script, one round trip: the script as ``EVALSHA`` (a pipeline's registered script
    would cost a ``SCRIPT EXISTS`` first), sent once more after ``SCRIPT LOAD`` when the
    server does not know it (``NOSCRIPT``: it did not run). A wait the server refuses, or
    no answer within the waits and :data:`CLIENT_MARGIN_SECONDS` (each time the pipeline is
    sent), raises (``RedisError``, ``TimeoutError``): then it is unknown whether the script
    ran.
    """
    reply, waits = await _script_and_waits(redis, script, keys, args, wait)
    if isinstance(reply, NoScriptError):
        await redis.script_load(script.script)
        reply, waits = await _script_and_waits(redis, script, keys, args, wait)
    for answer in waits:
        if isinstance(answer, Exception):
            raise answer
    confirmed = True
    if wait.local:
        confirmed = int(waits.pop(0)[0]) >= 1
    if wait.replicas:
        confirmed = confirmed and int(waits[0]) >= wait.replicas
    return reply, confirmed


async def _script_and_waits(redis: Redis, script: Any, keys: Sequence[str],
                            args: Sequence[Any], wait: AofWait) -> tuple[Any, list[Any]]:
    async with asyncio.timeout(wait.longest_seconds + CLIENT_MARGIN_SECONDS):
        async with redis.pipeline(transaction=False) as pipe:
            pipe.execute_command("EVALSHA", script.sha, len(keys), *keys, *args)
            if wait.local:
                pipe.waitaof(1, 0, wait.timeout_ms)
            if wait.replicas:
                pipe.wait(wait.replicas, wait.replica_timeout_ms)
            reply, *waits = await pipe.execute(raise_on_error=False)
    return reply, waits


def aof_wait(settings: Settings) -> AofWait | None:
    """The wait the registration store adds after each change, or None when Redis's own
    reply is enough (``fsync`` without replicas) or nobody cares (``none``)."""
    local = DurabilityMode(settings.redis_durability) is DurabilityMode.WAITAOF
    replicas = settings.redis_wait_replicas
    if not local and replicas == 0:
        return None
    return AofWait(max(1, round(settings.redis_waitaof_timeout_seconds * 1000)),
                   replicas=replicas,
                   replica_timeout_ms=max(1, round(settings.redis_wait_timeout_seconds * 1000))
                   if replicas else 0,
                   local=local)


@dataclass(frozen=True, slots=True)
class ServerPersistence:
    """What start-up needs to know of the server: read with INFO and CONFIG GET."""

    version: tuple[int, int, int]
    appendonly: bool
    appendfsync: str


async def read_persistence(redis: Redis) -> ServerPersistence:
    server: dict[str, Any] = await redis.info("server")
    persistence: dict[str, Any] = await redis.info("persistence")
    fsync: dict[Any, Any] = await redis.config_get("appendfsync")
    return ServerPersistence(
        version=parse_version(str(server["redis_version"])),
        appendonly=int(persistence["aof_enabled"]) == 1,
        appendfsync=next((as_text(v) for v in fsync.values()), ""),
    )


def parse_version(text: str) -> tuple[int, int, int]:
    """``7.2.4`` → (7, 2, 4); missing parts count as 0."""
    padded = [int(part) for part in text.split(".")[:3]] + [0, 0, 0]
    return padded[0], padded[1], padded[2]


def mismatch(mode: DurabilityMode, server: ServerPersistence) -> str | None:
    """Why a server with this persistence cannot serve ``mode``, or None when it can."""
    if mode is DurabilityMode.NONE:
        return None
    if not server.appendonly:
        return (f"REDIS_DURABILITY={mode.value} needs the Redis server at REDIS_URL to run "
                "with an append-only file (appendonly yes); it has appendonly no")
    if mode is DurabilityMode.FSYNC and server.appendfsync != "always":
        return ("REDIS_DURABILITY=fsync needs the Redis server at REDIS_URL to run with "
                f"appendfsync always; it has appendfsync {server.appendfsync or 'unknown'} "
                "(or set REDIS_DURABILITY=waitaof with Redis 7.2 or later)")
    if mode is DurabilityMode.WAITAOF:
        if server.version[:2] < WAITAOF_MIN_VERSION:
            found = ".".join(str(part) for part in server.version)
            return ("REDIS_DURABILITY=waitaof needs Redis 7.2 or later (WAITAOF); the server "
                    f"at REDIS_URL is {found} (or set REDIS_DURABILITY=fsync with "
                    "appendfsync always)")
        if server.appendfsync == "no":
            return ("REDIS_DURABILITY=waitaof needs the Redis server at REDIS_URL to fsync "
                    "on its own (appendfsync everysec or always); it has appendfsync no")
    return None


async def check_server(settings: Settings, *, unreachable_ok: bool = False) -> bool:
    """Refuse to start (:class:`RedisDurabilityError`) when the server at ``REDIS_URL`` does
    not fit the mode; whether it was seen to fit.

    A server that does not answer within ``CHECK_SECONDS`` is refused too, unless
    ``unreachable_ok``: the API then starts (searches need no Redis, and ``/readyz`` says
    Redis is down) and its :class:`DurabilityGate` checks before the first registration
    change instead.
    """
    from core.redis_clients import redis_client  # it takes its deadline from this module

    mode = DurabilityMode(settings.redis_durability)
    if mode is DurabilityMode.NONE:
        return True
    try:
        async with asyncio.timeout(CHECK_SECONDS), redis_client(
                settings, timeout=CHECK_SECONDS) as redis:
            server = await read_persistence(redis)
    except (TimeoutError, OSError, RedisError) as exc:
        if unreachable_ok:
            log.warning("REDIS_DURABILITY=%s: Redis did not answer at start-up (%s); "
                        "registrations are checked before the first change",
                        mode.value, type(exc).__name__)
            return False
        raise RedisDurabilityError(
            f"REDIS_DURABILITY={mode.value}: could not read the persistence settings of the "
            f"Redis server at REDIS_URL within {CHECK_SECONDS:.0f} s ({type(exc).__name__})"
        ) from None
    problem = mismatch(mode, server)
    if problem is not None:
        raise RedisDurabilityError(problem)
    return True


class DurabilityGate:
    """Registration changes are acknowledged only by a process that has seen the server fit
    the mode: the first change of the process reads the server's persistence (once), and
    while it cannot, or the server does not fit, every change is ``ServiceUnavailable``
    (logged at ERROR with the reason when the server does not fit)."""

    def __init__(self, settings: Settings) -> None:
        self.mode = DurabilityMode(settings.redis_durability)
        self.verified = self.mode is DurabilityMode.NONE

    async def ensure(self, redis: Redis) -> None:
        if self.verified:
            return
        try:
            server = await read_persistence(redis)
        except (TimeoutError, OSError, RedisError):
            raise ServiceUnavailable("registrations") from None
        problem = mismatch(self.mode, server)
        if problem is not None:
            log.error("registration changes refused: %s", problem)
            raise ServiceUnavailable("registrations")
        self.verified = True
