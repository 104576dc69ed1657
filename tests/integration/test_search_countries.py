"""Search across Sweden, Denmark and Norway through the API, against counts computed from
the feed files themselves: the country facet, each country's region facet, one ISCO-08
filter over SSYK, DISCO-08 and STYRK-08 courses, the Danish fee by education level,
labels in Danish and Norwegian, and ``near`` a Danish kommune."""

from __future__ import annotations

import datetime
import json
import math
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from meilisearch import Client

from core.nordic_reference import Country, load_nordic_reference
from core.reference import load_reference
from devstack.mailsink import MailSink
from devstack.sample_feeds import generate_feeds
from indexer.loader import CourseIndexer
from tests.conftest import MeiliServer, RedisServer, make_settings
from tests.factories import make_course, make_feed, organisation_number
from tests.integration.search_support import EARTH_RADIUS_KM, Api, running_api, search_all

NORDIC = load_nordic_reference()
REFERENCE = load_reference()


@dataclass(frozen=True)
class Loaded:
    api: Api
    feeds: list[dict[str, Any]]


def _course_id(feed: dict[str, Any], course: dict[str, Any]) -> str:
    return f"{feed['provider']['organisationNumber'].replace('-', '')}-{course['id']}"


def _courses(feeds: list[dict[str, Any]]) -> list[tuple[str, str, dict[str, Any]]]:
    """(id, country, course record) of every course of the feeds."""
    return [(_course_id(feed, course), feed["provider"].get("country", "SE"), course)
            for feed in feeds for course in feed["courses"]]


def _region(country: str, course: dict[str, Any]) -> str:
    code = course["location"]["municipalityCode"]
    if country == "SE":
        return REFERENCE.municipalities[code].region_code
    kommune = NORDIC.municipalities[Country(country)][code]
    return f"{country}-{kommune.area_code}"


def _isco(country: str, course: dict[str, Any]) -> str | None:
    occupation = course["occupation"]
    if country == "DK":
        return str(occupation["disco"])[:4]
    if country == "NO":
        return str(occupation["styrk"])
    return occupation.get("isco")


@pytest.fixture(scope="module")
async def loaded(meili_server: MeiliServer, redis_server: RedisServer, smtp_sink: MailSink,
                 tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Loaded]:
    settings = make_settings(meili_server, redis_server.url, smtp_sink)
    tmp_path = tmp_path_factory.mktemp("nordic-feeds")
    feeds = generate_feeds(providers=12, courses=150, today=datetime.date.today(),
                           nordic_share=0.4)
    # Swedish courses that state their ISCO-08 group, so that one filter spans all three.
    feeds.append(make_feed([
        make_course("W1", occupation={"ssyk": "7212", "isco": "7212", "name": "Svetsare"}),
        make_course("W2", occupation={"ssyk": "8344", "isco": "8344", "name": "Truckförare"}),
    ], organisation_number("556677889")))
    paths = []
    for number, feed in enumerate(feeds):
        path = tmp_path / f"{number:03d}.json"
        path.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    indexer = CourseIndexer(Client(settings.meili_url, settings.meili_master_key),
                            settings.meili_index, REFERENCE, 120)
    summary = indexer.load(paths)
    assert summary.rejected == 0
    assert summary.indexed == sum(len(feed["courses"]) for feed in feeds)
    async with running_api(settings) as api:
        yield Loaded(api, feeds)


FACETS = """
query Facets($filter: CourseFilterInput, $facets: [FacetAttribute!], $language: Language!) {
  searchCourses(filter: $filter, facets: $facets, language: $language, first: 0) {
    totalCount
    facets { attribute values(first: 300) { value label count selected } }
  }
}
"""


async def _facet(api: Api, attribute: str, language: str,
                 filter: dict[str, Any] | None = None) -> dict[str, tuple[int, str]]:
    data = await api.data(FACETS, {"filter": filter, "facets": [attribute],
                                   "language": language})
    (facet,) = data["searchCourses"]["facets"]
    return {v["value"]: (v["count"], v["label"]) for v in facet["values"]}


async def test_the_country_facet_counts_each_countrys_courses(loaded: Loaded) -> None:
    courses = _courses(loaded.feeds)
    expected = Counter(country for _, country, _ in courses)
    assert set(expected) == {"SE", "DK", "NO"}
    danish = await _facet(loaded.api, "COUNTRY", "DA")
    assert danish == {"SE": (expected["SE"], "Sverige"), "DK": (expected["DK"], "Danmark"),
                      "NO": (expected["NO"], "Norge")}
    english = await _facet(loaded.api, "COUNTRY", "EN", {"countries": ["DK"]})
    assert english["NO"] == (expected["NO"], "Norway")  # disjunctive: all countries


@pytest.mark.parametrize(("country", "language"), [("DK", "DA"), ("NO", "NB"), ("SE", "SV")])
async def test_with_a_country_filter_the_region_facet_is_that_countrys(
        loaded: Loaded, country: str, language: str) -> None:
    courses = [(c, course) for _, c, course in _courses(loaded.feeds) if c == country]
    expected = Counter(_region(country, course) for _, course in courses)
    regions = await _facet(loaded.api, "REGION", language, {"countries": [country]})
    assert {value: count for value, (count, _) in regions.items()} == expected
    for value, (_, label) in regions.items():
        if country == "SE":
            assert label == REFERENCE.regions[value].name
        else:
            assert label == NORDIC.indexed_areas[value].name
    municipalities = await _facet(loaded.api, "MUNICIPALITY", language, {"countries": [country]})
    prefix = "" if country == "SE" else f"{country}-"
    assert {value: count for value, (count, _) in municipalities.items()} == Counter(
        prefix + course["location"]["municipalityCode"] for _, course in courses)


async def test_a_danish_region_filter_finds_its_courses(loaded: Loaded) -> None:
    courses = _courses(loaded.feeds)
    region = Counter(_region(c, course) for _, c, course in courses if c == "DK").most_common(1)
    code = region[0][0]
    edges, total = await search_all(loaded.api, filter={"regions": [code]})
    wanted = {i for i, c, course in courses if c == "DK" and _region(c, course) == code}
    assert {e["node"]["id"] for e in edges} == wanted and total == len(wanted)


async def test_one_isco_filter_finds_the_swedish_danish_and_norwegian_courses_of_a_group(
        loaded: Loaded) -> None:
    courses = _courses(loaded.feeds)
    for group in ("7212", "8344"):
        wanted = {i for i, c, course in courses if _isco(c, course) == group}
        assert {c for i, c, _ in courses if i in wanted} == {"SE", "DK", "NO"}, group
        edges, total = await search_all(loaded.api, filter={"iscoCodes": [group]})
        assert {e["node"]["id"] for e in edges} == wanted and total == len(wanted)


async def test_a_danish_or_norwegian_occupation_from_the_facet_filters_its_courses(
        loaded: Loaded) -> None:
    courses = _courses(loaded.feeds)
    for country, field in (("DK", "disco"), ("NO", "styrk")):
        occupations = await _facet(loaded.api, "OCCUPATION", "EN",
                                   {"countries": [country]})
        value, (count, label) = next(iter(occupations.items()))
        wanted = {i for i, c, course in courses
                  if c == country and f"{c}-{course['occupation'][field]}" == value}
        assert count == len(wanted) and label != value
        edges, total = await search_all(loaded.api, filter={"occupations": [value]})
        assert {e["node"]["id"] for e in edges} == wanted and total == len(wanted)


@pytest.mark.parametrize(("country", "language", "welders"), [
    ("DK", "DA", "Svejsearbejde og skærebrænding"), ("NO", "NB", "Sveisere")])
async def test_occupations_are_labelled_by_disco08_in_danish_and_styrk08_in_norwegian(
        loaded: Loaded, country: str, language: str, welders: str) -> None:
    occupations = await _facet(loaded.api, "OCCUPATION", language, {"countries": [country]})
    expected = Counter(f"{c}-{course['occupation']['disco' if c == 'DK' else 'styrk']}"
                       for _, c, course in _courses(loaded.feeds) if c == country)
    assert {value: count for value, (count, _) in occupations.items()} == expected
    for value, (_, label) in occupations.items():
        group = NORDIC.isco[value.removeprefix(f"{country}-")[:4]]
        assert label == (group.title_da if language == "DA" else group.title_nb), value
        assert label != group.title_en, value
    assert {label for value, (_, label) in occupations.items()
            if value.startswith(f"{country}-7212")} == {welders}


@pytest.mark.parametrize(("language", "prefix", "welders"), [
    ("DA", "svejse", "Svejsearbejde og skærebrænding"), ("NB", "sveis", "Sveisere")])
async def test_danish_and_norwegian_occupations_are_suggested_in_their_language(
        loaded: Loaded, language: str, prefix: str, welders: str) -> None:
    data = await loaded.api.data(
        'query S($p: String!, $l: Language!) { suggestions(prefix: $p, first: 6, language: $l)'
        ' { text kind occupationCode iscoCode count } }', {"p": prefix, "l": language})
    (welding,) = [s for s in data["suggestions"] if s["kind"] == "OCCUPATION"]
    national = Counter(f"{c}-{course['occupation']['disco' if c == 'DK' else 'styrk']}"
                       for _, c, course in _courses(loaded.feeds) if c in ("DK", "NO"))
    assert welding["text"] == welders and welding["iscoCode"] == "7212"
    assert welding["occupationCode"][3:7] == "7212"
    assert 1 <= welding["count"] <= national[welding["occupationCode"]]


FEES = """
query Fees($filter: CourseFilterInput, $after: String) {
  searchCourses(filter: $filter, first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id country
      low: feeForEducationLevel(educationLevel: UP_TO_VOCATIONAL) { amount currency note }
      full: feeForEducationLevel(educationLevel: HIGHER) { amount currency }
    } }
  }
}
"""


async def test_my_fee_is_the_danish_rule_for_the_education_level(loaded: Loaded) -> None:
    rules = {i: (c, course.get("danishFee")) for i, c, course in _courses(loaded.feeds)}
    seen: set[str] = set()
    after = None
    while True:
        data = (await loaded.api.data(FEES, {"after": after}))["searchCourses"]
        for edge in data["edges"]:
            node = edge["node"]
            country, rule = rules[node["id"]]
            assert node["country"] == country
            seen.add(node["id"])
            if country != "DK":
                assert node["low"] is None and node["full"] is None
            elif rule["type"] == "exempt":
                assert node["low"] == {"amount": 0, "currency": "DKK", "note": None}
                assert node["full"] == {"amount": 0, "currency": "DKK"}
            else:
                assert node["low"]["amount"] == rule["lowFee"]
                assert node["full"] == {"amount": rule["fullFee"], "currency": "DKK"}
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert seen == set(rules)
    kinds = Counter(rule["type"] for country, rule in rules.values() if country == "DK")
    assert kinds["exempt"] and kinds["by_education_level"]  # both kinds were checked


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


async def test_near_a_danish_kommune_is_around_its_centre(loaded: Loaded) -> None:
    centre = NORDIC.municipalities[Country.DK]["0101"]
    radius = 40.0
    distances = {}
    for i, country, course in _courses(loaded.feeds):
        location = course["location"]
        point = location.get("coordinates")
        if point is not None:
            lat, lon = point["lat"], point["lon"]
        elif country == "SE":
            m = REFERENCE.municipalities[location["municipalityCode"]]
            lat, lon = m.lat, m.lon
        else:
            k = NORDIC.municipalities[Country(country)][location["municipalityCode"]]
            lat, lon = k.lat, k.lon
        distances[i] = _km(centre.lat, centre.lon, lat, lon)
    edges, _ = await search_all(loaded.api, near={"municipalityCode": "DK-0101",
                                                  "radiusKm": radius})
    found = {e["node"]["id"] for e in edges}
    assert {i for i, d in distances.items() if d < radius - 0.5} <= found
    assert not {i for i, d in distances.items() if d > radius + 0.5} & found
    assert found  # Copenhagen has sample courses


PLACES = """
query ($country: Country!) {
  regions(country: $country) { code name municipalities { code name } }
  municipalities(country: $country) { code name regionCode centre { lat lon } }
}"""
COURSE_PLACE = """
query ($id: ID!) { course(id: $id) { country location {
  region { code name nameEn } municipality { code name regionCode centre { lat lon } }
  coordinatesApproximate } } }"""


@pytest.mark.parametrize(("country", "regions", "kommuner"), [
    ("DK", 5, 98), ("NO", 15, 357), ("SE", 21, 290)])
async def test_each_countrys_regions_and_municipalities_for_menus(
        loaded: Loaded, country: str, regions: int, kommuner: int) -> None:
    data = await loaded.api.data(PLACES, {"country": country})
    assert len(data["regions"]) == regions and len(data["municipalities"]) == kommuner
    assert sum(len(r["municipalities"]) for r in data["regions"]) == kommuner
    if country != "SE":
        areas = NORDIC.areas[Country(country)]
        assert {r["code"]: r["name"] for r in data["regions"]} == {
            f"{country}-{code}": area.name for code, area in areas.items()}
        for municipality in data["municipalities"]:
            kommune = NORDIC.indexed_municipalities[municipality["code"]]
            assert municipality["centre"] == {"lat": kommune.lat, "lon": kommune.lon}
            assert municipality["regionCode"] == f"{country}-{kommune.area_code}"
    region = data["regions"][0]["code"]
    listed = await loaded.api.data(
        "query ($r: [String!]) { municipalities(regionCodes: $r) { code } }", {"r": [region]})
    assert {m["code"] for m in listed["municipalities"]} == {
        m["code"] for m in data["regions"][0]["municipalities"]}


async def test_a_danish_course_is_in_its_kommune_and_region(loaded: Loaded) -> None:
    course_id, _, course = next(c for c in _courses(loaded.feeds) if c[1] == "DK")
    data = (await loaded.api.data(COURSE_PLACE, {"id": course_id}))["course"]
    kommune = NORDIC.municipalities[Country.DK][course["location"]["municipalityCode"]]
    area = NORDIC.area_of(kommune)
    assert data["country"] == "DK"
    assert data["location"]["region"] == {"code": f"DK-{area.code}", "name": area.name,
                                          "nameEn": area.name}
    assert data["location"]["municipality"] == {
        "code": f"DK-{kommune.code}", "name": kommune.name, "regionCode": f"DK-{area.code}",
        "centre": {"lat": kommune.lat, "lon": kommune.lon}}
