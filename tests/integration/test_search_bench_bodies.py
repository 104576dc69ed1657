"""The load bench sends Meilisearch exactly the bodies the API sends for the same searches."""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import orjson
import pytest

from tests.conftest import SampleIndex
from tests.integration.search_support import running_api

BENCH = Path(__file__).resolve().parents[2] / "bench" / "search_mixes.py"
_NOW = re.compile(rb"studyVisitStarts > [0-9]+")


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("search_mixes", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["search_mixes"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("mix", ["text", "text+filters+facets", "geo+sort+facets", "zipf",
                                 "sessions"])
async def test_direct_bodies_equal_the_api_s(sample_index: SampleIndex, mix: str) -> None:
    bench = _bench()
    index = sample_index.settings.meili_index
    meili = sample_index.settings

    def post(body: bytes) -> dict[str, Any]:
        answer = httpx.post(f"{meili.meili_url}/multi-search", content=body, timeout=30,
                            headers={"Authorization": f"Bearer {meili.meili_master_key}",
                                     "Content-Type": "application/json"})
        answer.raise_for_status()
        result: dict[str, Any] = answer.json()
        return result

    api_bodies, meili_bodies = bench.bodies(mix, 24 if mix == "sessions" else 8, 7, index,
                                            found=bench.first_page_finder(index, post))
    if mix == "sessions":  # a course opened, pages without facets
        assert any(b"query Course(" in body for body in api_bodies)
        assert any(b'"withFacets": false' in body for body in api_bodies)
    # Uncached, the API sends every query of a search (cached, only those it misses).
    uncached = dataclasses.replace(sample_index.settings, search_cache_size=0)
    async with running_api(uncached) as api:
        for api_body, meili_body in zip(api_bodies, meili_bodies, strict=True):
            before = len(api.meili_requests)
            answer = await api.client.post("/graphql", content=api_body,
                                           headers={"Content-Type": "application/json"})
            assert "errors" not in answer.json()
            sent, *relaxed = api.meili_requests[before:]
            assert orjson.loads(_NOW.sub(b"NOW", sent.content)) == orjson.loads(
                _NOW.sub(b"NOW", meili_body))
            if relaxed:  # only a search that found nothing is searched again, relaxed
                (first,) = orjson.loads(api.meili_responses[before].content)["results"][:1]
                assert first["hits"] == [], api_body


_VISIT_NOW = re.compile(rb"startTs > [0-9]+")


async def test_visit_bodies_equal_the_api_s_visit_search(sample_index: SampleIndex) -> None:
    bench = _bench()
    sys.path.insert(0, str(BENCH.parent))  # the bench imports its modules as scripts do
    try:
        api_bodies, meili_bodies = bench.bodies("visits", 8, 7, sample_index.settings.meili_index)
    finally:
        sys.path.remove(str(BENCH.parent))
    async with running_api(sample_index.settings) as api:
        for api_body, meili_body in zip(api_bodies, meili_bodies, strict=True):
            before = len(api.meili_requests)
            answer = await api.client.post("/graphql", content=api_body,
                                           headers={"Content-Type": "application/json"})
            assert "errors" not in answer.json(), answer.json()
            visit_search = api.meili_requests[before]  # then the page's courses
            assert orjson.loads(_VISIT_NOW.sub(b"NOW", visit_search.content)) == orjson.loads(
                _VISIT_NOW.sub(b"NOW", meili_body))
