"""Per-process resources of the API and the per-request GraphQL context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from arq.connections import ArqRedis
from redis.asyncio import Redis
from starlette.requests import Request

from core.reference import Reference
from core.settings import Settings


@dataclass(frozen=True, slots=True)
class Resources:
    """Clients opened once at start-up (Starlette lifespan) and closed at shutdown."""

    settings: Settings
    reference: Reference
    meili: httpx.AsyncClient
    redis: Redis
    arq: ArqRedis


@dataclass(slots=True)
class Context:
    """What every resolver gets as ``info.context``."""

    resources: Resources
    request: Request
    response: Any = None

    @property
    def settings(self) -> Settings:
        return self.resources.settings
