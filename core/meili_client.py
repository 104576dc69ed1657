"""The pooled async HTTP client for reading from Meilisearch on the request path."""

from __future__ import annotations

import httpx

from core.settings import Settings


def meili_http_client(settings: Settings) -> httpx.AsyncClient:
    """One keep-alive pool per process.

    ``Accept-Encoding: identity``: Meilisearch compresses responses when asked, which
    costs far more than it saves on the loopback or a LAN hop.
    """
    return httpx.AsyncClient(
        base_url=settings.meili_url,
        headers={
            "Authorization": f"Bearer {settings.meili_master_key}",
            "Accept-Encoding": "identity",
            "Content-Type": "application/json",
        },
        timeout=httpx.Timeout(10.0, connect=2.0),
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
    )
