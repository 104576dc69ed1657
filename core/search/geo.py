"""Geo expressions for Meilisearch and the distance shown on results (pure functions)."""

from __future__ import annotations

import math
from collections.abc import Callable

from core.search.model import GeoCircle, GeoPoint

EARTH_RADIUS_KM = 6371.0  # the radius Meilisearch's haversine uses


def haversine_km(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle distance between two points in kilometres."""
    return distance_from(a)(b.lat, b.lon)


def distance_from(centre: GeoPoint) -> Callable[[float, float], float]:
    """The great-circle distance in kilometres from ``centre`` to a latitude and longitude;
    the centre's terms are computed once (a page of results measures from one centre)."""
    radians, sin, cos, asin, sqrt = math.radians, math.sin, math.cos, math.asin, math.sqrt
    lat1, lon1 = radians(centre.lat), centre.lon
    cos_lat1 = cos(lat1)

    def distance(lat: float, lon: float) -> float:
        lat2 = radians(lat)
        h = sin((lat2 - lat1) / 2) ** 2 + cos_lat1 * cos(lat2) * sin(radians(lon - lon1) / 2) ** 2
        return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))

    return distance


def _number(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return repr(float(value))


def geo_radius_filter(circle: GeoCircle) -> str:
    """``_geoRadius(lat, lng, metres)``: courses within the circle."""
    metres = max(1, round(circle.radius_km * 1000))
    return f"_geoRadius({_number(circle.centre.lat)}, {_number(circle.centre.lon)}, {metres})"


def geo_point_sort(centre: GeoPoint) -> str:
    """``_geoPoint(lat, lng):asc``: nearest first."""
    return f"_geoPoint({_number(centre.lat)}, {_number(centre.lon)}):asc"
