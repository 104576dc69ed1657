"""Facet counts of the API equal counts computed from the sample feeds, disjunctive included."""

from __future__ import annotations

import datetime
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from core.search.filters import upcoming_bound
from tests.integration.search_support import (
    Api,
    FeedCourse,
    count_values,
    search_all,
)

FACETS_QUERY = """
query Facets($query: String!, $filter: CourseFilterInput, $language: Language!) {
  searchCourses(query: $query, filter: $filter, first: 0, language: $language) {
    totalCount
    facets { attribute min max minDate maxDate values(first: 300) { value label count selected } }
  }
}
"""

VALUE_OF: dict[str, Callable[[FeedCourse], Any]] = {
    "REGION": lambda c: c.region,
    "MUNICIPALITY": lambda c: c.municipality,
    "OCCUPATION_FIELD": lambda c: c.occupation_field,
    "OCCUPATION": lambda c: c.ssyk,
    "PROGRAMME_TYPE": lambda c: c.programme_type.upper(),
    "PACE": lambda c: c.pace.upper(),
    "SCHEDULE": lambda c: frozenset(s.upper() for s in c.schedule),
    "DELIVERY": lambda c: c.delivery.upper(),
    "LANGUAGE": lambda c: c.languages,
    "PROVIDER": lambda c: c.provider,
    "FREE_OF_CHARGE": lambda c: "true" if c.free else "false",
    "DURATION_WEEKS": lambda c: c.weeks,
    "MINIMUM_AGE": lambda c: c.minimum_age,
}


def _in_range(value: int | None, bounds: dict[str, Any] | None, low: str, high: str) -> bool:
    if bounds is None or value is None:
        return True
    return ((bounds.get(low) is None or value >= bounds[low])
            and (bounds.get(high) is None or value <= bounds[high]))


def matches(c: FeedCourse, f: dict[str, Any], now: datetime.datetime,
            ignore: str | None = None) -> bool:
    """The filter's meaning, written independently of the service: OR within, AND across."""

    def chosen(key: str, facet: str) -> Any:
        return None if facet == ignore else f.get(key)

    def one_of(key: str, facet: str, values: Any) -> bool:
        wanted = chosen(key, facet)
        if not wanted:
            return True
        have = values if isinstance(values, frozenset) else {values}
        return bool(have & set(wanted))

    place = one_of("regions", "REGION", c.region) and one_of(
        "municipalities", "MUNICIPALITY", c.municipality)
    mode = f.get("distanceCourses", "BY_PLACE")
    if mode == "ANYWHERE":
        place = place or c.distance
    if mode == "EXCLUDE" and c.distance:
        return False
    dates = chosen("startDate", "START_DATE")
    if dates is not None:
        start_ok = c.start is not None and _in_range(
            c.start.toordinal(),
            {k: datetime.date.fromisoformat(v).toordinal() for k, v in dates.items()
             if k in ("from", "to") and v is not None},
            "from", "to")
        if not (start_ok or (c.start is None and dates.get("includeContinuousIntake", True))):
            return False
    age = chosen("eligibleAtAge", "MINIMUM_AGE")
    upcoming = chosen("hasUpcomingStudyVisits", "HAS_UPCOMING_STUDY_VISITS")
    free = chosen("freeOfCharge", "FREE_OF_CHARGE")
    return (
        place
        and one_of("occupationFields", "OCCUPATION_FIELD", c.occupation_field)
        and one_of("occupations", "OCCUPATION", c.ssyk)
        and one_of("programmeTypes", "PROGRAMME_TYPE", c.programme_type.upper())
        and one_of("paces", "PACE", c.pace.upper())
        and one_of("schedules", "SCHEDULE", frozenset(s.upper() for s in c.schedule))
        and one_of("deliveries", "DELIVERY", c.delivery.upper())
        and one_of("languages", "LANGUAGE", c.languages)
        and one_of("providers", "PROVIDER", c.provider)
        and _in_range(c.weeks, chosen("durationWeeks", "DURATION_WEEKS"), "min", "max")
        and (age is None or c.minimum_age <= age)
        and (upcoming is None or c.has_upcoming_visits(now) is upcoming)
        and (free is None or c.free is free)
    )


def _today_plus(days: int) -> str:
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


def _some(courses: list[FeedCourse], value: Callable[[FeedCourse], str], n: int) -> list[str]:
    return [v for v, _ in Counter(value(c) for c in courses).most_common(n)]


def _filters(courses: list[FeedCourse]) -> list[dict[str, Any]]:
    return [
        {},
        {"regions": ["01", "12"], "paces": ["FULL_TIME"]},
        {"programmeTypes": ["LABOUR_MARKET_TRAINING", "WORK_TRAINING"],
         "schedules": ["EVENING", "WEEKEND"], "languages": ["sv", "en"], "freeOfCharge": True},
        {"durationWeeks": {"min": 8, "max": 20}, "eligibleAtAge": 19,
         "hasUpcomingStudyVisits": True,
         "startDate": {"from": _today_plus(30), "to": _today_plus(240)}},
        {"startDate": {"from": _today_plus(0), "to": _today_plus(120),
                       "includeContinuousIntake": False},
         "hasUpcomingStudyVisits": False},
        {"regions": ["01"], "distanceCourses": "ANYWHERE", "deliveries": ["DISTANCE", "BLENDED"]},
        {"municipalities": _some(courses, lambda c: c.municipality, 5),
         "occupationFields": _some(courses, lambda c: c.occupation_field, 3),
         "providers": _some(courses, lambda c: c.provider, 20), "distanceCourses": "EXCLUDE"},
        {"occupations": _some(courses, lambda c: c.ssyk, 6), "freeOfCharge": False,
         "languages": ["sv"]},
    ]


def _upcoming_from() -> datetime.datetime:
    """The moment a search made now counts upcoming study visits from."""
    return datetime.datetime.fromtimestamp(upcoming_bound(time.time()), datetime.UTC)


def _check_facets(facets: list[dict[str, Any]], pool: list[FeedCourse], f: dict[str, Any],
                  now: datetime.datetime) -> None:
    by_name = {facet["attribute"]: facet for facet in facets}
    assert set(by_name) >= {*VALUE_OF, "START_DATE", "HAS_UPCOMING_STUDY_VISITS"}
    for name, value in VALUE_OF.items():
        counted = [c for c in pool if matches(c, f, now, ignore=name)]
        expected = count_values(counted, value)
        got = {v["value"]: v["count"] for v in by_name[name]["values"] if v["count"]}
        assert got == dict(expected), (name, f)
        if name in ("DURATION_WEEKS", "MINIMUM_AGE") and counted:
            numbers = [int(k) for k in expected]
            assert (by_name[name]["min"], by_name[name]["max"]) == (min(numbers), max(numbers))
    counted = [c for c in pool if matches(c, f, now, ignore="HAS_UPCOMING_STUDY_VISITS")]
    upcoming = {v["value"]: v["count"] for v in by_name["HAS_UPCOMING_STUDY_VISITS"]["values"]}
    with_visits = sum(c.has_upcoming_visits(now) for c in counted)
    assert upcoming == {"true": with_visits, "false": len(counted) - with_visits}
    starts = [c.start for c in pool if matches(c, f, now, ignore="START_DATE") and c.start]
    start_facet = by_name["START_DATE"]
    if starts:
        assert (start_facet["minDate"], start_facet["maxDate"]) == (
            min(starts).isoformat(), max(starts).isoformat())
    assert start_facet["values"] == []


def _check_selected(facets: list[dict[str, Any]], f: dict[str, Any]) -> None:
    selections = {"REGION": f.get("regions"), "PACE": f.get("paces"),
                  "PROVIDER": f.get("providers"), "LANGUAGE": f.get("languages")}
    for facet in facets:
        wanted = selections.get(facet["attribute"])
        if wanted is None:
            continue
        selected = {v["value"] for v in facet["values"] if v["selected"]}
        assert selected == set(wanted)


async def test_facet_counts_equal_counts_from_the_feed(api: Api, courses: list[FeedCourse]
                                                       ) -> None:
    for f in _filters(courses):
        now = _upcoming_from()
        data = await api.data(FACETS_QUERY, {"query": "", "filter": f, "language": "SV"})
        result = data["searchCourses"]
        assert result["totalCount"] == sum(matches(c, f, now) for c in courses), f
        _check_facets(result["facets"], courses, f, now)
        _check_selected(result["facets"], f)


async def test_facet_counts_with_query_text_are_disjunctive(api: Api,
                                                            courses: list[FeedCourse]) -> None:
    by_id = {c.id: c for c in courses}
    for text in ("svetsare", "undersköterska"):
        edges, total = await search_all(api, query=text)
        text_pool = [by_id[e["node"]["id"]] for e in edges]
        assert len(text_pool) == total > 0
        f = {"regions": _some(text_pool, lambda c: c.region, 3), "paces": ["FULL_TIME"],
             "languages": ["sv"]}
        now = _upcoming_from()
        data = await api.data(FACETS_QUERY, {"query": text, "filter": f, "language": "SV"})
        result = data["searchCourses"]
        assert result["totalCount"] == sum(matches(c, f, now) for c in text_pool)
        _check_facets(result["facets"], text_pool, f, now)


async def test_facet_labels_follow_the_language(api: Api) -> None:
    query = """query($l: Language!) { searchCourses(first: 0, facets: [REGION, PACE],
               language: $l) { facets { attribute values { value label } } } }"""
    labels = {}
    for language in ("SV", "EN"):
        data = await api.data(query, {"l": language})
        labels[language] = {(f["attribute"], v["value"]): v["label"]
                            for f in data["searchCourses"]["facets"] for v in f["values"]}
    assert labels["SV"][("REGION", "12")] == "Skåne län"
    assert labels["EN"][("REGION", "12")] == "Skåne County"
    assert (labels["SV"][("PACE", "PART_TIME")], labels["EN"][("PACE", "PART_TIME")]) == (
        "Deltid", "Part time")


async def test_only_the_facets_asked_for_are_counted(api: Api) -> None:
    data = await api.data("""{ searchCourses(first: 0, facets: [PACE, DELIVERY]) {
                              facets { attribute } } }""")
    assert [f["attribute"] for f in data["searchCourses"]["facets"]] == ["PACE", "DELIVERY"]
    before = len(api.meili_requests)
    await api.data("{ searchCourses(first: 1) { totalCount } }")
    body = api.meili_requests[before].content
    assert b'"facets"' not in body  # facets not selected: none computed


async def test_facet_values_are_capped_but_selected_values_always_shown(
    api: Api, courses: list[FeedCourse]
) -> None:
    rare = Counter(c.provider for c in courses).most_common()[-1][0]
    query = """query($f: CourseFilterInput, $n: Int!) { searchCourses(first: 0, filter: $f,
               facets: [PROVIDER, MUNICIPALITY]) { facets { attribute values(first: $n) {
               value count selected } } } }"""
    data = await api.data(query, {"f": {"providers": [rare]}, "n": 3})
    providers, municipalities = data["searchCourses"]["facets"]
    assert 0 < len(municipalities["values"]) <= 3
    counts = [v["count"] for v in providers["values"]]
    assert counts[:3] == sorted(counts[:3], reverse=True)
    assert providers["values"][-1] == {"value": rare, "count": Counter(
        c.provider for c in courses)[rare], "selected": True}
    default = await api.data("{ searchCourses(first: 0, facets: [MUNICIPALITY]) "
                             "{ facets { values { value } } } }")
    assert len(default["searchCourses"]["facets"][0]["values"]) == 50
    errors = await api.errors(query, {"f": None, "n": 301})
    assert errors[0]["extensions"]["argument"] == "first"
