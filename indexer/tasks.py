"""Waiting for Meilisearch tasks with a deadline, failing loudly on a failed task."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from meilisearch import Client
from meilisearch.errors import MeilisearchTimeoutError
from meilisearch.models.task import Task, TaskInfo


class TaskFailed(RuntimeError):
    """A Meilisearch task failed, was canceled, or did not finish by its deadline."""


def describe_error(task: Task) -> str:
    error: dict[str, Any] = task.error or {}
    code = error.get("code", "unknown_error")
    message = error.get("message", "no message")
    return f"{code}: {message}"


def wait_for_task(client: Client, task: TaskInfo | int, timeout_seconds: float) -> Task:
    """Wait until the task has finished; raise :class:`TaskFailed` unless it succeeded."""
    uid = task if isinstance(task, int) else task.task_uid
    try:
        finished = client.wait_for_task(
            uid, timeout_in_ms=int(timeout_seconds * 1000), interval_in_ms=25
        )
    except MeilisearchTimeoutError as exc:
        raise TaskFailed(
            f"Meilisearch task {uid} did not finish within {timeout_seconds:g} s"
        ) from exc
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
