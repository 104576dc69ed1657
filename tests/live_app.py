"""The real application under uvicorn and a real arq worker, run for a test."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import uvicorn
from arq.worker import Worker, get_kwargs

from api.app import create_app
from core.settings import Settings
from devstack.processes import free_port
from workers.settings import worker_settings


@contextlib.contextmanager
def serve(settings: Settings, startup_seconds: float = 60) -> Iterator[str]:
    """The application under uvicorn, in a thread of its own on a free loopback port;
    yields its base URL."""
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="test-api", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + startup_seconds
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the API did not start")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def make_worker(settings: Settings, **overrides: Any) -> Worker:
    """The project's arq worker in burst mode (it stops when the queue is empty)."""
    kwargs = {**get_kwargs(worker_settings(settings)), "burst": True, "handle_signals": False,
              "poll_delay": 0.05, **overrides}
    return Worker(**kwargs)


async def run_worker(settings: Settings, **overrides: Any) -> Worker:
    """A real arq worker in burst mode: runs until the queue is empty."""
    worker = make_worker(settings, **overrides)
    try:
        await worker.async_run()
    finally:
        await worker.close()
    return worker


async def stop_worker(worker: Worker, running: asyncio.Task[None], seconds: float = 30) -> None:
    """Stop a worker started with ``async_run`` in ``running``: it picks no new job, lets the
    jobs it runs finish (arq's ``close`` would cancel them, to be run again), then closes."""
    worker.allow_pick_jobs = False
    deadline = time.monotonic() + seconds
    while any(not task.done() for task in worker.tasks.values()):
        if time.monotonic() > deadline:
            raise RuntimeError("the worker's jobs did not finish")
        await asyncio.sleep(0.02)
    running.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await running
    await worker.close()
