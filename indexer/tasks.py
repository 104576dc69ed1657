"""Waiting for Meilisearch tasks with a deadline, failing loudly on a failed task."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

from meilisearch import Client
from meilisearch.models.task import Task, TaskInfo

FIRST_PAUSE_SECONDS = 0.025
LONGEST_PAUSE_SECONDS = 0.25
PAUSE_GROWTH = 1.5


class TaskFailed(RuntimeError):
    """A Meilisearch task failed, was canceled, or did not finish by its deadline."""


def describe_error(task: Task) -> str:
    error: dict[str, Any] = task.error or {}
    code = error.get("code", "unknown_error")
    message = error.get("message", "no message")
    return f"{code}: {message}"


def poll_pauses() -> Iterator[float]:
    """The pauses between two reads of a task's state: 25 ms, then half as long again
    each time, up to 250 ms (reached after about half a second).

    A short task is seen done as soon as before; a long one is read four times a second,
    not forty. Every read is an HTTP request on a new connection (the meilisearch client
    keeps none open), about 3 ms of our CPU and some of the engine's: with a fixed 25 ms
    pause, waiting for the engine to index a 20,000-course load read its tasks 1,138 times,
    3.3 of the load's 7.8 CPU seconds (``bench/indexing.py --courses 20000``, where the
    CPU columns show both sides). Hand-made because the client's ``wait_for_task`` has a
    fixed pause only.
    """
    pause = FIRST_PAUSE_SECONDS
    while True:
        yield pause
        pause = min(pause * PAUSE_GROWTH, LONGEST_PAUSE_SECONDS)


def wait_for_task(client: Client, task: TaskInfo | int, timeout_seconds: float) -> Task:
    """Wait until the task has finished; raise :class:`TaskFailed` unless it succeeded."""
    uid = task if isinstance(task, int) else task.task_uid
    deadline = time.monotonic() + timeout_seconds
    for pause in poll_pauses():
        finished = client.get_task(uid)
        if finished.status not in ("enqueued", "processing"):
            break
        left = deadline - time.monotonic()
        if left <= 0:
            raise TaskFailed(
                f"Meilisearch task {uid} did not finish within {timeout_seconds:g} s")
        time.sleep(min(pause, left))
    if finished.status != "succeeded":
        raise TaskFailed(
            f"Meilisearch task {uid} ({finished.type}) {finished.status}: "
            f"{describe_error(finished)}"
        )
    return finished


def wait_for_tasks(
    client: Client, tasks: Iterable[TaskInfo | int], timeout_seconds: float
) -> list[Task]:
    """Wait for every task in turn (one shared deadline per task)."""
    return [wait_for_task(client, task, timeout_seconds) for task in tasks]
