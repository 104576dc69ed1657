"""Planning disjunctive facet queries and reading their results, and the planned search."""

from __future__ import annotations

from typing import Any

import pytest

from core.reference import load_reference
from core.search.attributes import FACET_ATTRIBUTES, Facet
from core.search.cursor import encode_cursor
from core.search.facets import plan_facets, read_facets, selected_values, total_hits
from core.search.filters import build_filter_plan
from core.search.labels import Labeller
from core.search.model import CourseFilter, IntRange, Near, SearchRequest, SortOrder
from core.search.providers import ProviderDirectory
from core.search.service import SearchService
from core.search.vocabulary import Language, Pace

LABELLER = Labeller(load_reference(), ProviderDirectory({"556001-2402": "Lunds Yrkesskola AB"}))


def test_facets_without_selection_come_from_the_main_query() -> None:
    plan = build_filter_plan(CourseFilter())
    facet_plan = plan_facets(plan, [Facet.REGION, Facet.PACE, Facet.REGION], now_ts=1)
    assert facet_plan.main_attributes == ("regionCode", "pace")
    assert facet_plan.extra == ()


def test_a_selected_facet_gets_its_own_query_without_its_clause() -> None:
    plan = build_filter_plan(CourseFilter(regions=("01",), paces=(Pace.FULL_TIME,)))
    facet_plan = plan_facets(plan, [Facet.REGION, Facet.PACE, Facet.DELIVERY], now_ts=1)
    assert facet_plan.main_attributes == ("delivery",)
    assert facet_plan.extra == (
        (Facet.REGION, {"page": 1, "hitsPerPage": 0, "filter": '(pace IN ["full_time"])',
                        "facets": ["regionCode"]}),
        (Facet.PACE, {"page": 1, "hitsPerPage": 0, "filter": '(regionCode IN ["01"])',
                      "facets": ["pace"]}),
    )


def test_the_upcoming_visits_facet_is_counted_with_a_filter() -> None:
    unselected = plan_facets(build_filter_plan(CourseFilter()),
                             [Facet.HAS_UPCOMING_STUDY_VISITS], now_ts=7)
    assert unselected.extra == ((Facet.HAS_UPCOMING_STUDY_VISITS,
                                 {"page": 1, "hitsPerPage": 0,
                                  "filter": "(studyVisitStarts > 7)"}),)
    selected = plan_facets(build_filter_plan(CourseFilter(has_upcoming_study_visits=True),
                                             now_ts=7),
                           [Facet.HAS_UPCOMING_STUDY_VISITS], now_ts=7)
    assert selected.extra == ((Facet.HAS_UPCOMING_STUDY_VISITS,
                               {"page": 1, "hitsPerPage": 0}),)


@pytest.mark.parametrize(("flag", "main_total", "own_total", "expected"), [
    (None, 100, 30, {"true": 30, "false": 70}),
    (True, 30, 100, {"true": 30, "false": 70}),
    (False, 70, 100, {"true": 30, "false": 70}),
])
def test_reading_the_upcoming_visits_facet(flag: bool | None, main_total: int, own_total: int,
                                           expected: dict[str, int]) -> None:
    f = CourseFilter(has_upcoming_study_visits=flag)
    facet_plan = plan_facets(build_filter_plan(f, now_ts=1), [Facet.HAS_UPCOMING_STUDY_VISITS],
                             now_ts=1)
    (result,) = read_facets([Facet.HAS_UPCOMING_STUDY_VISITS], facet_plan,
                            {"totalHits": main_total}, [{"totalHits": own_total}], f, LABELLER,
                            Language.EN)
    assert {v.value: v.count for v in result.values} == expected
    assert [v.value for v in result.values if v.selected] == (
        [] if flag is None else ["true" if flag else "false"])


def test_reading_list_and_numeric_facets() -> None:
    f = CourseFilter(regions=("01", "25"), duration_weeks=IntRange(4, 8))
    wanted = [Facet.REGION, Facet.PROVIDER, Facet.DURATION_WEEKS, Facet.START_DATE]
    facet_plan = plan_facets(build_filter_plan(f), wanted, now_ts=1)
    main: dict[str, Any] = {
        "totalHits": 10,
        "facetDistribution": {"providerOrgNumber": {"556001-2402": 4, "999999-9999": 6},
                              "startDate": {"86400": 1}},
        "facetStats": {"startDate": {"min": 86400.0, "max": 172800.0}},
    }
    own_region = {"facetDistribution": {"regionCode": {"01": 5, "12": 9}}}
    own_weeks = {"facetDistribution": {"durationWeeks": {"12": 1, "4": 2, "8": 3}},
                 "facetStats": {"durationWeeks": {"min": 4.0, "max": 12.0}}}
    region, provider, weeks, start = read_facets(
        wanted, facet_plan, main, [own_region, own_weeks], f, LABELLER, Language.SV)
    assert [(v.value, v.label, v.count, v.selected) for v in region.values] == [
        ("12", "Skåne län", 9, False), ("01", "Stockholms län", 5, True),
        ("25", "Norrbottens län", 0, True)]
    assert [(v.value, v.label) for v in provider.values] == [
        ("999999-9999", "999999-9999"), ("556001-2402", "Lunds Yrkesskola AB")]
    assert [(v.value, v.label, v.selected) for v in weeks.values] == [
        ("4", "4 veckor", True), ("8", "8 veckor", True), ("12", "12 veckor", False)]
    assert (weeks.minimum, weeks.maximum) == (4.0, 12.0)
    assert start.values == () and (start.minimum, start.maximum) == (86400.0, 172800.0)


def test_selected_values_spell_values_as_the_index() -> None:
    chosen = selected_values(CourseFilter(paces=(Pace.PART_TIME,), free_of_charge=False))
    assert chosen[Facet.PACE] == {"part_time"}
    assert chosen[Facet.FREE_OF_CHARGE] == {"false"}
    assert chosen[Facet.HAS_UPCOMING_STUDY_VISITS] == frozenset()


def test_total_hits() -> None:
    assert total_hits({"totalHits": 3}) == 3
    assert total_hits({"estimatedTotalHits": 4}) == 4


def test_every_facet_but_one_has_an_attribute() -> None:
    assert set(Facet) - set(FACET_ATTRIBUTES) == {Facet.HAS_UPCOMING_STUDY_VISITS}


def _service() -> SearchService:
    return SearchService(load_reference(), ProviderDirectory(), 100, clock=lambda: 1000.0)


def test_a_planned_search_sends_one_main_query_and_one_per_selected_facet() -> None:
    request = SearchRequest(
        query="svets", filter=CourseFilter(regions=("12",)),
        near=Near(25, municipality_code="1280"), sort=SortOrder.DISTANCE, first=10,
        facets=(Facet.REGION, Facet.PACE), highlights=frozenset({"title"}))
    call = _service().plan_search(request)
    main, extra = call.queries
    assert main["q"] == extra["q"] == "svets"
    assert main["page"] == 1 and main["hitsPerPage"] == 10
    malmo = load_reference().municipalities["1280"]
    centre = f"{malmo.lat!r}, {malmo.lon!r}"
    assert main["sort"] == [f"_geoPoint({centre}):asc"]
    assert main["facets"] == ["pace"]
    assert main["filter"] == f'(regionCode IN ["12"]) AND (_geoRadius({centre}, 25000))'
    assert main["highlightPreTag"] == "\ue000"
    assert extra["filter"] == f"(_geoRadius({centre}, 25000))"
    assert extra["facets"] == ["regionCode"] and extra["hitsPerPage"] == 0


def test_paging_modes() -> None:
    service = _service()
    first = service.plan_search(SearchRequest(first=20))
    fp = first.search_fingerprint
    aligned = service.plan_search(SearchRequest(first=20, after=encode_cursor(fp, 39)))
    assert (aligned.offset, aligned.queries[0]["page"], aligned.queries[0]["hitsPerPage"]) == (
        40, 3, 20)
    unaligned = service.plan_search(SearchRequest(first=30, after=encode_cursor(fp, 19)))
    assert (unaligned.queries[0]["offset"], unaligned.queries[0]["limit"]) == (20, 30)
    counts_only = service.plan_search(SearchRequest(first=0))
    assert counts_only.queries[0]["hitsPerPage"] == 0
    assert "attributesToHighlight" not in first.queries[0]
