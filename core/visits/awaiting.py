"""redis-py types its commands as "awaitable or value" for both clients; this narrows."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def result(value: Awaitable[T] | T) -> T:
    """The command's reply (the asyncio client always returns an awaitable)."""
    if inspect.isawaitable(value):
        return await value
    return value
