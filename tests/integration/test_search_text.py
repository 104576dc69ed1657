"""Free-text search: Swedish, English, typos, synonyms, prefixes, highlights."""

from __future__ import annotations

import pytest

from tests.integration.search_support import Api, FeedCourse, search_all

ASSISTANT_NURSES = "5321"  # Undersköterskor, hemtjänst, hemsjukvård och äldreboende
WELDERS = "7212"  # Svetsare och gasskärare


async def _found(api: Api, query: str) -> set[str]:
    edges, total = await search_all(api, query=query)
    assert total == len(edges)
    return {e["node"]["id"] for e in edges}


@pytest.mark.parametrize("query", [
    "undersköterska",  # Swedish
    "undersköterka",  # a typo
    "underskoterska",  # no diacritics
    "nursing assistant",  # English synonym
    "assistant nurse",  # another English synonym
])
async def test_assistant_nurse_courses_are_found(api: Api, courses: list[FeedCourse],
                                                 query: str) -> None:
    expected = {c.id for c in courses if c.ssyk == ASSISTANT_NURSES}
    assert expected
    assert expected <= await _found(api, query)


@pytest.mark.parametrize("query", ["svets", "svetsare", "welder", "svetsere"])
async def test_welding_courses_are_found(api: Api, courses: list[FeedCourse], query: str
                                         ) -> None:
    expected = {c.id for c in courses if c.ssyk == WELDERS}
    assert expected
    found = await _found(api, query)
    assert expected <= found


async def test_the_best_hits_match_the_occupation(api: Api, courses: list[FeedCourse]) -> None:
    by_id = {c.id: c for c in courses}
    data = await api.data('{ searchCourses(query: "nursing assistant", first: 10) '
                          "{ edges { node { id } } } }")
    top = [by_id[e["node"]["id"]] for e in data["searchCourses"]["edges"]]
    assert top and all(c.ssyk in (ASSISTANT_NURSES, "5323") for c in top)


async def test_highlights_mark_the_matches_and_escape_the_text(api: Api) -> None:
    data = await api.data("""{ searchCourses(query: "svetsare", first: 5) { edges {
        node { title }
        highlights { title { text html fragments { text matched } }
                     description { text html } } } } }""")
    edges = data["searchCourses"]["edges"]
    assert edges
    for edge in edges:
        title = edge["highlights"]["title"]
        assert title["text"] == edge["node"]["title"]
        matched = [f["text"] for f in title["fragments"] if f["matched"]]
        assert matched and all(m.lower().startswith("svets") for m in matched)
        assert "<mark>" in title["html"]
        assert "<mark>" in edge["highlights"]["description"]["html"]
        assert "\ue000" not in title["html"] and "\ue001" not in title["text"]


async def test_no_highlights_without_query_text(api: Api) -> None:
    data = await api.data("{ searchCourses(first: 2) { edges { highlights { title { text } } } } }")
    assert all(e["highlights"] is None for e in data["searchCourses"]["edges"])
