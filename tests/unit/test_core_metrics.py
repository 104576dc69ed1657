"""Meilisearch request kinds: a small fixed label set, whatever the path."""

from __future__ import annotations

import pytest

from core.metrics import meilisearch_endpoint


@pytest.mark.parametrize(("path", "expected"), [
    ("/multi-search", "multi-search"),
    ("/indexes/courses/search", "search"),
    ("/indexes/courses_abc/stats", "stats"),
    ("/health", "health"),
    ("/indexes/courses/documents/5560717653-x", "documents"),
    ("/indexes/courses/documents?limit=10", "documents"),
    ("/keys/some-secret-looking-id", "other"),
    ("/indexes/courses/settings", "other"),
])
def test_a_path_maps_to_one_of_a_few_labels(path: str, expected: str) -> None:
    assert meilisearch_endpoint(path) == expected
