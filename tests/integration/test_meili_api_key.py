"""The API reads Meilisearch with MEILI_API_KEY when it is set, not with the master key."""

from __future__ import annotations

import dataclasses

from meilisearch import Client

from core.settings import Settings
from tests.conftest import SampleIndex
from tests.integration.search_support import running_api

QUERY = '{ searchCourses(query: "svetsare", first: 1) { totalCount } }'


def _key(settings: Settings, actions: list[str]) -> str:
    client = Client(settings.meili_url, settings.meili_master_key)
    created = client.create_key({
        "description": "test: API read key",
        "actions": actions,
        "indexes": [settings.meili_index],
        "expiresAt": None,
    })
    return str(created.key)


async def test_a_search_key_is_enough_for_the_api(sample_index: SampleIndex) -> None:
    settings = dataclasses.replace(
        sample_index.settings, meili_api_key=_key(sample_index.settings, ["search"])
    )
    assert settings.meili_read_key != settings.meili_master_key
    async with running_api(settings) as api:
        data = await api.data(QUERY)
    assert data["searchCourses"]["totalCount"] > 0


async def test_the_configured_key_is_the_one_used(sample_index: SampleIndex) -> None:
    settings = dataclasses.replace(
        sample_index.settings, meili_api_key=_key(sample_index.settings, ["stats.get"])
    )
    async with running_api(settings) as api:
        errors = await api.errors(QUERY)
    assert errors[0]["message"] == "Unexpected error."
