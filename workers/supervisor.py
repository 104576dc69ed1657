"""``python -m workers run``: the arq worker, kept running through Redis outages.

arq's worker exits when Redis stops answering (its poll loop raises). The supervisor
runs it in-process; when Redis is lost it logs one line, waits for Redis with a capped
backoff, logs one line when Redis answers again and starts a fresh arq worker, so queued
emails go out again without anyone restarting the process. Jobs that were running when
Redis went go on to their end in the background (bounded by their timeout; their final
Redis writes are retried, see :func:`workers.delivery._persist`), and arq's in-progress
key keeps every worker off them meanwhile. The lost worker's ``on_shutdown`` runs at
once, so what its ``on_startup`` took (clients, a listening port) is free for the next.
SIGTERM or SIGINT stop it as they stop arq. Only Redis's errors (redis-py wraps socket
errors in them) count as an outage; anything else ends the process, as it did before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from arq.worker import Worker, get_kwargs
from redis.exceptions import RedisError

from core.redis_clients import job_queue, redis_client
from core.settings import Settings
from workers.settings import worker_settings

logger = logging.getLogger("workers.supervisor")

REDIS_LOST = (RedisError,)
FIRST_WAIT_SECONDS = 0.25
LONGEST_WAIT_SECONDS = 10.0
PING_TIMEOUT_SECONDS = 2.0


class Supervisor:
    """Runs one arq worker at a time until :meth:`stop`; see the module's docstring."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.worker: Worker | None = None
        self._stopping = asyncio.Event()
        self._retiring: set[asyncio.Task[None]] = set()

    def _new_worker(self) -> Worker:
        """An arq worker on a pool of our own (:func:`core.redis_clients.job_queue`): every
        command has the Redis deadline, so a stopped master ends the poll as a lost one
        does instead of holding it forever."""
        kwargs: dict[str, Any] = {**get_kwargs(worker_settings(self.settings)),
                                  "handle_signals": False, "ctx": {"settings": self.settings},
                                  "redis_pool": job_queue(self.settings)}
        return Worker(**kwargs)

    def stop(self, signum: int = signal.SIGTERM) -> None:
        """Stop as arq does on a signal: running jobs are cancelled and run again later."""
        self._stopping.set()
        if self.worker is not None:
            self.worker.handle_sig(signal.Signals(signum))
        for task in self._retiring:
            task.cancel()

    async def run(self) -> None:
        try:
            while not self._stopping.is_set():
                self.worker = worker = self._new_worker()
                try:
                    await worker.async_run()  # polls until cancelled by stop()
                    return
                except REDIS_LOST as exc:
                    if self._stopping.is_set():
                        return
                    logger.error("Redis lost (%s): no jobs run until it answers again",
                                 type(exc).__name__)
                await self._retire(worker)
                self.worker = None
                if not await self._wait_for_redis():
                    return
                logger.warning("Redis is back: the worker runs jobs again")
        except asyncio.CancelledError:
            if not self._stopping.is_set():
                raise
        finally:
            if self.worker is not None:
                with contextlib.suppress(*REDIS_LOST):
                    await self.worker.close()
            await asyncio.gather(*self._retiring, return_exceptions=True)

    async def _retire(self, worker: Worker) -> None:
        """Release what the lost worker's start-up took; let its running jobs end, then
        close its Redis pool."""
        if worker.on_shutdown is not None:
            try:
                await worker.on_shutdown(worker.ctx)
            except Exception:  # its clients may be broken with Redis; nothing else to do
                logger.warning("shutting down the lost worker's clients failed", exc_info=True)
        task = asyncio.get_running_loop().create_task(_close_when_done(worker))
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)

    async def _wait_for_redis(self) -> bool:
        """Until Redis answers a PING (``True``) or the supervisor stops (``False``)."""
        wait = FIRST_WAIT_SECONDS
        client = redis_client(self.settings, timeout=PING_TIMEOUT_SECONDS)
        try:
            while not self._stopping.is_set():
                try:
                    if await client.ping():
                        return True
                except REDIS_LOST:
                    pass
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), wait)
                wait = min(wait * 2, LONGEST_WAIT_SECONDS)
            return False
        finally:
            await client.aclose()


async def _close_when_done(worker: Worker) -> None:
    try:
        await asyncio.gather(*worker.tasks.values(), return_exceptions=True)
    finally:
        pool = worker.pool  # None when the worker never connected
        if pool is not None:
            with contextlib.suppress(*REDIS_LOST, OSError):
                await pool.aclose()


async def supervise(settings: Settings) -> None:
    """Run until SIGTERM or SIGINT."""
    supervisor = Supervisor(settings)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, supervisor.stop, signum)
    await supervisor.run()
