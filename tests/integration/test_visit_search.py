"""``searchStudyVisits`` over the sample: counts, facets, dates, weekdays, times of day,
place and paging equal what is computed independently from the feed files."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from core.reference import load_reference
from tests.integration.search_support import Api, FeedCourse, haversine_km

SWEDEN = ZoneInfo("Europe/Stockholm")

SEARCH = """
query Visits($query: String!, $filter: StudyVisitSearchFilterInput, $near: NearInput,
             $sort: StudyVisitSort!, $first: Int!, $after: String,
             $facets: [StudyVisitFacetAttribute!]) {
  searchStudyVisits(query: $query, filter: $filter, near: $near, sort: $sort, first: $first,
                    after: $after, facets: $facets) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    facets { attribute values { value label count selected } }
    edges {
      cursor distanceKm weekday timeOfDay waitlistLength
      node { id start capacity seatsLeft }
      course { id title }
    }
  }
}
"""


@dataclass(frozen=True)
class FeedVisit:
    """One visit as the feed file has it, with its course."""

    id: str
    start: datetime.datetime
    course: FeedCourse

    @property
    def local(self) -> datetime.datetime:
        return self.start.astimezone(SWEDEN)

    @property
    def time_of_day(self) -> str:
        hour = self.local.hour
        return "EVENING" if hour >= 17 else "AFTERNOON" if hour >= 12 else "MORNING"


@pytest.fixture(scope="module")
def visits(courses: list[FeedCourse]) -> list[FeedVisit]:
    now = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=5)
    return [FeedVisit(f"{c.id}~{v['id']}", datetime.datetime.fromisoformat(v["start"]), c)
            for c in courses for v in c.raw["studyVisits"]
            if datetime.datetime.fromisoformat(v["start"]) > now]


def matches(v: FeedVisit, f: dict[str, Any], ignore: str | None = None) -> bool:
    """The filter's meaning, written from the feed: OR within a field, AND across."""
    c = v.course
    checks = {
        "regions": ("REGION", c.region in f.get("regions", [c.region])),
        "municipalities": ("MUNICIPALITY", c.municipality in f.get("municipalities",
                                                                    [c.municipality])),
        "occupationFields": ("OCCUPATION_FIELD",
                             c.occupation_field in f.get("occupationFields",
                                                         [c.occupation_field])),
        "occupations": ("OCCUPATION", c.ssyk in f.get("occupations", [c.ssyk])),
        "providers": ("PROVIDER", c.provider in f.get("providers", [c.provider])),
        "programmeTypes": ("PROGRAMME_TYPE", c.programme_type.upper() in f.get(
            "programmeTypes", [c.programme_type.upper()])),
        "languages": ("LANGUAGE", bool(c.languages & set(f.get("languages", c.languages)))),
        "weekdays": ("WEEKDAY", v.local.isoweekday() in f.get("weekdays",
                                                              [v.local.isoweekday()])),
        "timesOfDay": ("TIME_OF_DAY", v.time_of_day in f.get("timesOfDay", [v.time_of_day])),
    }
    for key, (facet, ok) in checks.items():
        if key in f and facet != ignore and not ok:
            return False
    dates = f.get("dates") or {}
    day = v.local.date()
    if dates.get("from") and day < datetime.date.fromisoformat(dates["from"]):
        return False
    return not (dates.get("to") and day > datetime.date.fromisoformat(dates["to"]))


def facet_value(v: FeedVisit, facet: str) -> list[str]:
    c = v.course
    return {
        "REGION": [c.region], "MUNICIPALITY": [c.municipality],
        "OCCUPATION_FIELD": [c.occupation_field], "PROGRAMME_TYPE": [c.programme_type],
        "OCCUPATION": [c.ssyk], "PROVIDER": [c.provider],
        "LANGUAGE": sorted(c.languages), "WEEKDAY": [str(v.local.isoweekday())],
        "TIME_OF_DAY": [v.time_of_day.lower()],
    }[facet]


async def search_all(api: Api, **variables: Any) -> tuple[list[dict[str, Any]], int]:
    edges: list[dict[str, Any]] = []
    after = None
    total = -1
    for _ in range(1000):
        data = await api.data(SEARCH, {"query": "", "sort": "START_TIME", "first": 100,
                                       "after": after, **variables})
        page = data["searchStudyVisits"]
        total = page["totalCount"]
        edges.extend(page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return edges, total


async def test_paging_returns_every_upcoming_visit_once_earliest_first(
        api: Api, visits: list[FeedVisit]) -> None:
    edges, total = await search_all(api)
    ids = [e["node"]["id"] for e in edges]
    assert len(ids) == len(set(ids)) == total
    # visits starting in the next five minutes may pass while the test runs
    assert {v.id for v in visits} <= set(ids)
    assert total - len(visits) < 10
    starts = [datetime.datetime.fromisoformat(e["node"]["start"]) for e in edges]
    assert starts == sorted(starts)
    assert all(e["waitlistLength"] == 0 and e["distanceKm"] is None for e in edges)
    assert all(e["node"]["seatsLeft"] == e["node"]["capacity"] for e in edges)
    assert all(e["node"]["id"].startswith(e["course"]["id"] + "~") for e in edges)


FILTERS: list[dict[str, Any]] = [
    {"regions": ["01", "12"]},
    {"regions": ["14"], "timesOfDay": ["MORNING"]},
    {"weekdays": [2, 4], "programmeTypes": ["LABOUR_MARKET_TRAINING"]},
    {"timesOfDay": ["AFTERNOON", "EVENING"], "languages": ["en"]},
    {"dates": {"from": None, "to": None}, "weekdays": [1]},
]


def _dated(days_from: int, days_to: int) -> dict[str, Any]:
    today = datetime.datetime.now(SWEDEN).date()
    return {"from": (today + datetime.timedelta(days=days_from)).isoformat(),
            "to": (today + datetime.timedelta(days=days_to)).isoformat()}


def _places_and_providers(visits: list[FeedVisit]) -> dict[str, Any]:
    """The sample's two busiest municipalities, two providers and an occupation field there,
    and an occupation of each of the two."""
    places = [m for m, _ in Counter(v.course.municipality for v in visits).most_common(2)]
    there = [v for v in visits if v.course.municipality in places]
    providers = sorted({v.course.provider for v in there})[:2]
    mine = [v for v in there if v.course.provider in providers]
    return {"municipalities": places, "providers": providers,
            "occupationFields": [mine[0].course.occupation_field],
            "occupations": sorted({v.course.ssyk for v in mine})[:2]}


@pytest.mark.parametrize("number", range(len(FILTERS) + 3))
async def test_counts_and_disjunctive_facets_equal_the_feeds(
        api: Api, visits: list[FeedVisit], number: int) -> None:
    facets = ["REGION", "WEEKDAY", "TIME_OF_DAY", "PROGRAMME_TYPE", "LANGUAGE"]
    if number < len(FILTERS):
        f = FILTERS[number]
    elif number == len(FILTERS):
        f = {"dates": _dated(7, 20), "regions": ["01"]}
    elif number == len(FILTERS) + 1:  # one day: the sample's busiest
        day = Counter(v.local.date() for v in visits).most_common(1)[0][0].isoformat()
        f = {"dates": {"from": day, "to": day}}
    else:  # the long lists: places, providers, occupations
        f = _places_and_providers(visits)
        facets = ["MUNICIPALITY", "PROVIDER", "OCCUPATION_FIELD", "OCCUPATION", "WEEKDAY"]
    f = {k: v for k, v in f.items() if v != {"from": None, "to": None}}
    data = await api.data(SEARCH, {"query": "", "filter": f, "sort": "START_TIME", "first": 0,
                                   "facets": facets})
    page = data["searchStudyVisits"]
    expected = [v for v in visits if matches(v, f)]
    assert expected, f"filter {f} finds nothing in the sample; pick another"
    assert page["totalCount"] == len(expected)
    for facet in page["facets"]:
        name = facet["attribute"]
        want: Counter[str] = Counter(
            value for v in visits if matches(v, f, ignore=name)
            for value in facet_value(v, name))
        got = {value["value"]: value["count"] for value in facet["values"]}
        assert got == dict(want), name
    assert [facet["attribute"] for facet in page["facets"]] == facets


async def test_radius_and_distance_sort_equal_a_haversine(
        api: Api, visits: list[FeedVisit]) -> None:
    lat, lon, radius = 59.3293, 18.0686, 60.0
    near = {"point": {"lat": lat, "lon": lon}, "radiusKm": radius}
    edges, total = await search_all(api, near=near, sort="DISTANCE")
    by_id = {v.id: v for v in visits}
    expected = {v.id for v in visits
                if haversine_km(lat, lon, v.course.lat, v.course.lon) <= radius}
    assert expected
    found = {e["node"]["id"] for e in edges}
    assert expected <= found and len(found - expected) < 5  # only visits passing meanwhile
    distances = [e["distanceKm"] for e in edges]
    assert distances == sorted(distances)
    for edge in edges:
        visit = by_id.get(edge["node"]["id"])
        if visit is not None:
            want = haversine_km(lat, lon, visit.course.lat, visit.course.lon)
            assert edge["distanceKm"] == pytest.approx(want, abs=0.01)
    assert total == len(edges)


async def test_text_uses_the_course_search_synonyms(api: Api, visits: list[FeedVisit]) -> None:
    """A job title found in no searchable text of the occupation's visits still finds them:
    only the occupation synonyms link the two."""
    reference = load_reference()

    def texts(v: FeedVisit) -> str:
        occupation = reference.occupations[v.course.ssyk]
        title = v.course.raw["title"]
        return " ".join([title["sv"], title.get("en") or "", occupation.name_sv,
                         occupation.name_en]).lower()

    by_code: dict[str, list[FeedVisit]] = {}
    for v in visits:
        by_code.setdefault(v.course.ssyk, []).append(v)
    code, term = next(
        (code, term.lower()) for code, found in sorted(by_code.items(), key=lambda i: -len(i[1]))
        for term in (*reference.occupations[code].synonyms_sv,
                     *reference.occupations[code].synonyms_en)
        if " " not in term and len(term) > 5
        and not any(term.lower()[:5] in texts(v) for v in found))
    edges, total = await search_all(api, query=term, sort="RELEVANCE")
    assert total == len(edges)
    assert {v.id for v in by_code[code]} <= {e["node"]["id"] for e in edges}


async def test_bad_input_is_named(api: Api) -> None:
    errors = await api.errors(SEARCH, {"query": "", "sort": "DISTANCE", "first": 5})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert errors[0]["extensions"]["argument"] == "sort"
    errors = await api.errors(SEARCH, {"query": "", "sort": "START_TIME", "first": 5,
                                       "filter": {"weekdays": [8]}})
    assert errors[0]["extensions"]["argument"] == "filter.weekdays"
    errors = await api.errors(SEARCH, {"query": "", "sort": "START_TIME", "first": 5,
                                       "filter": {"regions": ['01" OR regionCode = "12']}})
    assert errors[0]["extensions"]["argument"] == "filter.regions"
