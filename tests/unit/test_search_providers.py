"""The provider directory and its refresher."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from core.search.providers import (
    ProviderDirectory,
    directory_query,
    keep_fresh,
    names_from_result,
    refresh,
    stop,
)


def test_the_directory_query_asks_for_one_document_per_provider() -> None:
    query = directory_query()
    assert query["distinct"] == "providerOrgNumber"
    assert query["attributesToRetrieve"] == ["providerOrgNumber", "providerName"]


def test_names_from_result() -> None:
    result = {"hits": [{"providerOrgNumber": "556001-2402", "providerName": "A AB"}]}
    assert names_from_result(result) == {"556001-2402": "A AB"}
    assert names_from_result({}) == {}


async def test_refresh_replaces_the_names_and_failures_keep_the_old_ones() -> None:
    answers: list[Any] = [
        [{"hits": [{"providerOrgNumber": "1", "providerName": "One"}]}],
        RuntimeError("Meilisearch is down"),
        [{"hits": [{"providerOrgNumber": "2", "providerName": "Two"}]}],
    ]
    sent: list[Sequence[dict[str, Any]]] = []

    async def run(queries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        sent.append(queries)
        answer = answers.pop(0) if answers else answers_done
        if isinstance(answer, Exception):
            raise answer
        return list(answer)

    answers_done: list[dict[str, Any]] = [{"hits": []}]
    directory = ProviderDirectory()
    await refresh(directory, run)
    assert directory.name("1") == "One" and directory.version == 1
    task = asyncio.create_task(keep_fresh(directory, run, 0.001))
    while directory.version < 2:
        await asyncio.sleep(0.001)
    await stop(task)
    assert directory.name("2") == "Two" and directory.name("1") is None
    assert all(queries == [directory_query()] for queries in sent)
