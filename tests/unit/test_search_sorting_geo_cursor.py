"""Sort and geo expressions, distances, and the paging cursor codec."""

from __future__ import annotations

import base64
import math

import pytest

from core.errors import InputError
from core.search.cursor import decode_cursor, encode_cursor, fingerprint
from core.search.geo import geo_point_sort, geo_radius_filter, haversine_km
from core.search.model import CourseFilter, GeoCircle, GeoPoint, SortOrder
from core.search.sorting import sort_expression

CIRCLE = GeoCircle(GeoPoint(55.605, 13.0038), 10.0)


@pytest.mark.parametrize(("order", "expected"), [
    (SortOrder.RELEVANCE, []),
    (SortOrder.START_DATE_ASC, ["startDate:asc"]),
    (SortOrder.START_DATE_DESC, ["startDate:desc"]),
    (SortOrder.DURATION_ASC, ["durationWeeks:asc"]),
    (SortOrder.DURATION_DESC, ["durationWeeks:desc"]),
    (SortOrder.DISTANCE, ["_geoPoint(55.605, 13.0038):asc"]),
])
def test_sort_expression(order: SortOrder, expected: list[str]) -> None:
    assert sort_expression(order, CIRCLE) == expected


def test_every_sort_order_is_handled() -> None:
    for order in SortOrder:
        sort_expression(order, CIRCLE)


def test_distance_sort_needs_a_place() -> None:
    with pytest.raises(InputError) as caught:
        sort_expression(SortOrder.DISTANCE, None)
    assert caught.value.argument == "sort"


def test_geo_expressions() -> None:
    assert geo_radius_filter(GeoCircle(GeoPoint(59, 18), 0.0004)) == "_geoRadius(59.0, 18.0, 1)"
    assert geo_radius_filter(GeoCircle(GeoPoint(-1.5, 2.25), 3.2)) == (
        "_geoRadius(-1.5, 2.25, 3200)")
    assert geo_point_sort(GeoPoint(59, 18)) == "_geoPoint(59.0, 18.0):asc"
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError):
            geo_radius_filter(GeoCircle(GeoPoint(bad, 18), 1))
        with pytest.raises(ValueError):
            geo_point_sort(GeoPoint(59, bad))


def test_haversine() -> None:
    stockholm, gothenburg = GeoPoint(59.3293, 18.0686), GeoPoint(57.7089, 11.9746)
    # The spherical law of cosines, computed independently.
    p1, p2 = math.radians(stockholm.lat), math.radians(gothenburg.lat)
    dl = math.radians(gothenburg.lon - stockholm.lon)
    cosines = 6371.0 * math.acos(math.sin(p1) * math.sin(p2)
                                 + math.cos(p1) * math.cos(p2) * math.cos(dl))
    assert haversine_km(stockholm, gothenburg) == pytest.approx(cosines, abs=1e-6)
    assert 390 < cosines < 400
    assert haversine_km(stockholm, stockholm) == 0
    assert haversine_km(GeoPoint(0, 0), GeoPoint(0, 180)) == pytest.approx(math.pi * 6371.0)


def test_cursor_round_trip() -> None:
    fp = fingerprint("svets", CourseFilter(regions=("12",)), None, SortOrder.RELEVANCE, ())
    for offset in (0, 1, 19, 99_999, 1_000_000):
        cursor = encode_cursor(fp, offset)
        assert "=" not in cursor and cursor.isascii()
        assert decode_cursor(cursor, fp) == offset


def test_fingerprints_tell_searches_apart() -> None:
    a = fingerprint("svets", CourseFilter(), None, SortOrder.RELEVANCE, ())
    assert a == fingerprint("svets", CourseFilter(), None, SortOrder.RELEVANCE, ())
    assert a != fingerprint("svets", CourseFilter(), None, SortOrder.DURATION_ASC, ())
    assert a != fingerprint("svetsare", CourseFilter(), None, SortOrder.RELEVANCE, ())
    assert a != fingerprint("svets", CourseFilter(regions=("01",)), None, SortOrder.RELEVANCE,
                            ())


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [
    "", "x", "!!!!", "a" * 65, "é", _b64("c1:abc:1"), _b64("c2:000000000000:1"),
    _b64("c1:000000000000:-1"), _b64("c1:000000000000:01"), _b64("c1:000000000000:1x"),
    _b64("c1:000000000000:99999999"), _b64("c1:000000000000:1000001"),
    _b64("c1:000000000000"), "YzE6MDAwMDAwMDAwMDAwOjE===", base64.b64encode(b"\xff\xfe").decode(),
])
def test_malformed_cursors_name_the_argument(cursor: str) -> None:
    with pytest.raises(InputError) as caught:
        decode_cursor(cursor, "000000000000")
    assert caught.value.argument == "after"
    assert "malformed cursor" in str(caught.value)


def test_a_cursor_of_another_search_is_refused() -> None:
    cursor = encode_cursor("111111111111", 5)
    with pytest.raises(InputError, match="different search"):
        decode_cursor(cursor, "222222222222")
