"""Prometheus metrics shared by every process: the Meilisearch request latency.

Metrics live in prometheus_client's default registry, one per process. Labels take values
from small fixed sets only (an endpoint kind, never a path, a query or an address).
"""

from __future__ import annotations

from prometheus_client import Histogram

MEILISEARCH_REQUEST_SECONDS = Histogram(
    "studyvisits_meilisearch_request_duration_seconds",
    "Time from sending a request to Meilisearch to its whole answer (or failure).",
    ["endpoint"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

_ENDPOINTS = ("multi-search", "search", "stats", "health", "documents", "tasks")


def meilisearch_endpoint(path: str) -> str:
    """The kind of a Meilisearch request, from its path: one of a fixed few, else ``other``."""
    tail = path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    if tail in _ENDPOINTS:
        return tail
    return "documents" if "/documents" in path else "other"
