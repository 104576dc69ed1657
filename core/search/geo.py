"""Geo expressions for Meilisearch and the distance shown on results (pure functions)."""

from __future__ import annotations

import math

from core.search.model import GeoCircle, GeoPoint

EARTH_RADIUS_KM = 6371.0  # the radius Meilisearch's haversine uses


def haversine_km(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle distance between two points in kilometres."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


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
