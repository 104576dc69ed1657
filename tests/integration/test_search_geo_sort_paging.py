"""Geo radius, sorting and paging against the sample index, checked against the feeds."""

from __future__ import annotations

import pytest

from core.reference import load_reference
from tests.integration.search_support import (
    Api,
    FeedCourse,
    haversine_km,
    search_all,
)

EDGE_TOLERANCE = 0.005  # courses within 0.5 % of the rim may fall either way


def _expected_within(courses: list[FeedCourse], lat: float, lon: float, radius: float
                     ) -> tuple[set[str], set[str]]:
    """Courses surely inside, and courses that may be inside (rim tolerance)."""
    distances = {c.id: haversine_km(lat, lon, c.lat, c.lon) for c in courses}
    sure = {i for i, d in distances.items() if d <= radius * (1 - EDGE_TOLERANCE)}
    maybe = {i for i, d in distances.items() if d <= radius * (1 + EDGE_TOLERANCE)}
    return sure, maybe


@pytest.mark.parametrize(("lat", "lon", "radius"), [
    (59.3293, 18.0686, 40.0),  # Stockholm
    (55.6050, 13.0038, 75.0),  # Malmö
    (63.8258, 20.2630, 150.0),  # Umeå
    (57.7089, 11.9746, 12.5),  # Göteborg
])
async def test_geo_radius_equals_haversine_over_the_feed(
    api: Api, courses: list[FeedCourse], lat: float, lon: float, radius: float
) -> None:
    near = {"point": {"lat": lat, "lon": lon}, "radiusKm": radius}
    edges, total = await search_all(api, near=near, sort="DISTANCE")
    found = {e["node"]["id"] for e in edges}
    sure, maybe = _expected_within(courses, lat, lon, radius)
    assert sure, "the sample should have courses here"
    assert sure <= found <= maybe
    assert total == len(edges) == len(found)
    by_id = {c.id: c for c in courses}
    distances = [e["distanceKm"] for e in edges]
    for edge in edges:
        course = by_id[edge["node"]["id"]]
        assert edge["distanceKm"] == pytest.approx(haversine_km(lat, lon, course.lat, course.lon),
                                                   abs=0.002)
    assert distances == sorted(distances)


async def test_near_a_municipality_uses_its_centre(api: Api, courses: list[FeedCourse]) -> None:
    lund = load_reference().municipalities["1281"]
    edges, _ = await search_all(api, near={"municipalityCode": "1281", "radiusKm": 30})
    sure, maybe = _expected_within(courses, lund.lat, lund.lon, 30)
    assert sure <= {e["node"]["id"] for e in edges} <= maybe
    assert all(e["distanceKm"] is not None for e in edges)


async def test_distance_courses_can_be_included_anywhere_or_excluded(
    api: Api, courses: list[FeedCourse]
) -> None:
    lat, lon, radius = 59.3293, 18.0686, 40.0
    near = {"point": {"lat": lat, "lon": lon}, "radiusKm": radius}
    sure, maybe = _expected_within(courses, lat, lon, radius)
    distance = {c.id for c in courses if c.distance}
    anywhere, _ = await search_all(api, near=near, filter={"distanceCourses": "ANYWHERE"})
    found = {e["node"]["id"] for e in anywhere}
    assert (sure | distance) <= found <= (maybe | distance)
    excluded, _ = await search_all(api, near=near, filter={"distanceCourses": "EXCLUDE"})
    found = {e["node"]["id"] for e in excluded}
    assert (sure - distance) <= found <= (maybe - distance)
    assert not found & distance


@pytest.mark.parametrize("sizes", [(100,), (37,), (20, 30, 7)])
async def test_paging_returns_every_course_exactly_once(
    api: Api, courses: list[FeedCourse], sizes: tuple[int, ...]
) -> None:
    edges, total = await search_all(api, filter={"paces": ["PART_TIME"]}, page_sizes=sizes)
    ids = [e["node"]["id"] for e in edges]
    expected = {c.id for c in courses if c.pace == "part_time"}
    assert len(ids) == len(set(ids)) == total == len(expected)
    assert set(ids) == expected


async def test_paging_through_the_whole_index(api: Api, courses: list[FeedCourse]) -> None:
    edges, total = await search_all(api, sort="START_DATE_ASC")
    ids = [e["node"]["id"] for e in edges]
    assert len(ids) == len(set(ids)) == total == len(courses)


async def test_paging_a_text_search(api: Api) -> None:
    edges, total = await search_all(api, query="utbildning", page_sizes=(50,))
    ids = [e["node"]["id"] for e in edges]
    assert len(ids) == len(set(ids)) == total > 100


@pytest.mark.parametrize(("sort", "key", "descending"), [
    ("START_DATE_ASC", "start", False),
    ("START_DATE_DESC", "start", True),
    ("DURATION_ASC", "weeks", False),
    ("DURATION_DESC", "weeks", True),
])
async def test_sorting(api: Api, courses: list[FeedCourse], sort: str, key: str,
                       descending: bool) -> None:
    f = {"regions": ["01", "14"]}
    edges, _ = await search_all(api, filter=f, sort=sort)
    by_id = {c.id: c for c in courses}
    values = [getattr(by_id[e["node"]["id"]], key) for e in edges]
    assert len(values) == sum(c.region in ("01", "14") for c in courses)
    present = [v for v in values if v is not None]
    assert present == sorted(present, reverse=descending)
    if key == "start":  # continuous intake (no start date) comes last either way
        assert values == present + [None] * (len(values) - len(present))
        assert len(present) < len(values)


@pytest.mark.parametrize("query", ["svetsare", "undersköterska", "lastbilsförare"])
async def test_a_chosen_sort_orders_a_text_search(api: Api, courses: list[FeedCourse],
                                                  query: str) -> None:
    edges, total = await search_all(api, query=query, sort="DURATION_ASC")
    by_id = {c.id: c for c in courses}
    weeks = [by_id[e["node"]["id"]].weeks for e in edges]
    assert total == len(edges) > 5
    assert weeks == sorted(weeks)
