"""Danish, Norwegian and Swedish feeds loaded together into a real Meilisearch, and
searched through the API by country and ISCO-08 group."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from meilisearch import Client

from core.meili_filter import quote
from core.reference import load_reference
from core.settings import Settings
from indexer.loader import CourseIndexer
from tests.factories import make_course, make_feed, organisation_number
from tests.integration.search_support import running_api, search_all

EXAMPLES = Path(__file__).resolve().parents[2] / "schema" / "examples" / "valid"


def _ids(settings: Settings, filter_: str) -> set[str]:
    index = Client(settings.meili_url, settings.meili_master_key).index(settings.meili_index)
    params: dict[str, Any] = {"limit": 1000, "fields": ["id"], "filter": filter_}
    return {doc.id for doc in index.get_documents(params).results}


async def test_one_index_holds_every_country_filterable_by_country_and_isco(
        settings: Settings, tmp_path: Path) -> None:
    swedish = make_feed([make_course("S1"), make_course(
        "S2", occupation={"ssyk": "7212", "isco": "7212", "name": "Svetsare"})],
        organisation_number("556677889"))
    (tmp_path / "se.json").write_text(json.dumps(swedish), encoding="utf-8")
    paths = [tmp_path / "se.json", EXAMPLES / "denmark-amu.json", EXAMPLES / "norway-amo.json"]
    indexer = CourseIndexer(Client(settings.meili_url, settings.meili_master_key),
                            settings.meili_index, load_reference(), 60)
    summary = indexer.load(paths)
    assert (summary.indexed, summary.rejected) == (5, 0)

    feeds = [swedish] + [json.loads(p.read_text(encoding="utf-8")) for p in paths[1:]]
    by_country: dict[str, set[str]] = {}
    for feed in feeds:
        digits = feed["provider"]["organisationNumber"].replace("-", "")
        by_country.setdefault(feed["provider"].get("country", "SE"), set()).update(
            f"{digits}-{c['id']}" for c in feed["courses"])
    for country, ids in by_country.items():
        assert _ids(settings, f"country = {quote(country)}") == ids, country
    # One ISCO-08 filter finds the Swedish course that states its group and the Danish
    # welding course by its DISCO-08 code, not the Swedish one without a group.
    assert _ids(settings, f"iscoCode = {quote('7212')}") == {
        f"{swedish['provider']['organisationNumber'].replace('-', '')}-S2",
        "39172542-AMU-48795",
    }
    assert _ids(settings, f"iscoCode = {quote('8344')}") == {"992831405-AMO-2027-017"}
    assert _ids(settings, f"regionCode = {quote('NO-46')}") == {"992831405-AMO-2027-017"}
    assert indexer.status()["settingsDrift"] == []

    # The same through the search API, for every country and for groups across them.
    async with running_api(settings) as api:
        for country, ids in by_country.items():
            edges, total = await search_all(api, filter={"countries": [country]})
            assert {e["node"]["id"] for e in edges} == ids and total == len(ids), country
        edges, total = await search_all(api, filter={"countries": ["DK", "NO"],
                                                     "iscoCodes": ["7212", "8344", "5322"]})
        assert {e["node"]["id"] for e in edges} == {
            "39172542-AMU-48795", "39172542-AMU-40116", "992831405-AMO-2027-017"}
        # The country facet counts every country, also with one selected (disjunctive).
        data = await api.data(COUNTRY_FACET, {"filter": {"countries": ["NO"]}})
        facet = data["searchCourses"]["facets"][0]
        assert facet["attribute"] == "COUNTRY"
        assert {v["value"]: (v["count"], v["label"], v["selected"]) for v in facet["values"]} == {
            "SE": (2, "Sweden", False), "DK": (2, "Denmark", False), "NO": (1, "Norway", True)}
        assert data["searchCourses"]["totalCount"] == 1
        errors = await api.errors(SEARCH_IDS, {"filter": {"iscoCodes": ["72120"]}})
        assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT",
                                           "argument": "filter.iscoCodes"}, errors


SEARCH_IDS = """
query Search($filter: CourseFilterInput) {
  searchCourses(query: "", filter: $filter, first: 10) { totalCount }
}
"""

COUNTRY_FACET = """
query Facet($filter: CourseFilterInput) {
  searchCourses(query: "", filter: $filter, first: 0, facets: [COUNTRY], language: EN) {
    totalCount
    facets { attribute values { value count label selected } }
  }
}
"""
