"""Add centre coordinates to the Danish and Norwegian reference data from boundary maps.

Sources (named in ``core/reference/data/SOURCES.md``):

- ``--dk``: the Danish kommuner's boundaries as GeoJSON (WGS 84) with the kommunekode in
  the property ``lau_1`` (Geodatastyrelsen's and Danske Kommuner's FOT data, 1:500 000, as
  published in ``municipalities/municipalities.geojson`` of
  github.com/magnuslarsen/geoJSON-Danish-Municipalities).
- ``--no-kommuner`` / ``--no-fylker``: Kartverket's boundaries of the Norwegian kommuner
  and fylker of the 2024 division (CC BY 4.0) as GeoJSON with ``kommunenummer`` /
  ``fylkesnummer`` (``Kommuner-S.geojson`` and ``Fylker-S.geojson`` of
  github.com/robhop/fylker-og-kommuner).

A municipality's or fylke's centre is a point on its land: the centroid of its largest
part when that lies inside it, else the middle of the longest stretch of that part on the
centroid's parallel. A Danish region's centre is the area-weighted centroid of its
kommuner's parts when that lies on one of them (not in a fjord or strait), else the centre
of its kommune nearest to that centroid.

Usage::

    python scripts/add_nordic_centres.py --dk municipalities.geojson \\
        --no-kommuner Kommuner-S.geojson --no-fylker Fylker-S.geojson

Rewrites ``dk_municipalities.json``, ``dk_regions.json``, ``no_municipalities.json`` and
``no_counties.json`` in ``core/reference/data`` with ``lat``/``lon`` (4 decimals).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "core" / "reference" / "data"

Ring = list[tuple[float, float]]  # (lon, lat) pairs, closed or not
Polygon = list[Ring]  # the outer ring, then its holes


def _ring_area_centroid(ring: Ring) -> tuple[float, float, float]:
    """Signed area and centroid (lon, lat) of a ring, in degrees (the shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if area == 0:
        return 0.0, ring[0][0], ring[0][1]
    return area, cx / (6 * area), cy / (6 * area)


def polygon_area(polygon: Polygon) -> float:
    return abs(_ring_area_centroid(polygon[0])[0]) - sum(
        abs(_ring_area_centroid(hole)[0]) for hole in polygon[1:])


def _crossings(ring: Ring, lat: float) -> list[float]:
    """The longitudes where the ring crosses the parallel ``lat``."""
    found = []
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 <= lat) != (y1 <= lat):
            found.append(x0 + (lat - y0) * (x1 - x0) / (y1 - y0))
    return found


def contains(polygon: Polygon, lon: float, lat: float) -> bool:
    """Whether the point is inside the polygon (even-odd rule over all its rings)."""
    return sum(x > lon for ring in polygon for x in _crossings(ring, lat)) % 2 == 1


def representative_point(polygon: Polygon) -> tuple[float, float]:
    """A point inside the polygon as (lat, lon): its centroid if inside, else the middle
    of the longest inside stretch of the centroid's parallel."""
    _, lon, lat = _ring_area_centroid(polygon[0])
    if contains(polygon, lon, lat):
        return lat, lon
    xs = sorted(x for ring in polygon for x in _crossings(ring, lat))
    stretches = list(zip(xs[0::2], xs[1::2], strict=False))
    west, east = max(stretches, key=lambda s: s[1] - s[0])
    return lat, (west + east) / 2


def _polygons(geometry: dict[str, Any]) -> list[Polygon]:
    def rings(raw: list[list[list[float]]]) -> Polygon:
        return [[(float(p[0]), float(p[1])) for p in ring] for ring in raw]

    if geometry["type"] == "Polygon":
        return [rings(geometry["coordinates"])]
    return [rings(raw) for raw in geometry["coordinates"]]


def parts_by_code(features: list[dict[str, Any]], key: str, width: int) -> dict[str, list[Polygon]]:
    """Every feature's polygons, by its code (zero-padded to ``width``)."""
    parts: dict[str, list[Polygon]] = defaultdict(list)
    for feature in features:
        code = str(feature["properties"][key]).zfill(width)
        parts[code].extend(_polygons(feature["geometry"]))
    return parts


def centre(parts: list[Polygon]) -> tuple[float, float]:
    """The centre (lat, lon) of an area made of ``parts``: its largest part's point."""
    return representative_point(max(parts, key=polygon_area))


def region_centre(parts: list[Polygon], kommuner: list[tuple[float, float]]) -> tuple[float, float]:
    """The area-weighted centroid of the parts when it lies on one, else the nearest of the
    ``kommuner`` centres (lat, lon) to it."""
    total = lon_sum = lat_sum = 0.0
    for polygon in parts:
        area = polygon_area(polygon)
        _, lon, lat = _ring_area_centroid(polygon[0])
        total += area
        lon_sum += lon * area
        lat_sum += lat * area
    lon, lat = lon_sum / total, lat_sum / total
    if any(contains(polygon, lon, lat) for polygon in parts):
        return lat, lon
    return min(kommuner, key=lambda k: (k[0] - lat) ** 2 + (k[1] - lon) ** 2)


def _with_centres(name: str, centres: dict[str, tuple[float, float]]) -> None:
    path = DATA_DIR / name
    rows: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    missing = [row["code"] for row in rows if row["code"] not in centres]
    if missing:
        raise SystemExit(f"{name}: no boundary for {missing}")
    for row in rows:
        lat, lon = centres[row["code"]]
        row["lat"], row["lon"] = round(lat, 4), round(lon, 4)
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{name}: {len(rows)} centres")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dk", type=Path, required=True)
    parser.add_argument("--no-kommuner", type=Path, required=True)
    parser.add_argument("--no-fylker", type=Path, required=True)
    args = parser.parse_args()

    def features(path: Path) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["features"]
        return data

    danish = parts_by_code(features(args.dk), "lau_1", 4)
    centres = {code: centre(p) for code, p in danish.items()}
    _with_centres("dk_municipalities.json", centres)
    kommuner = json.loads((DATA_DIR / "dk_municipalities.json").read_text(encoding="utf-8"))
    regions: dict[str, list[Polygon]] = defaultdict(list)
    members: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for kommune in kommuner:
        regions[kommune["region_code"]].extend(danish[kommune["code"]])
        members[kommune["region_code"]].append(centres[kommune["code"]])
    _with_centres("dk_regions.json",
                  {code: region_centre(p, members[code]) for code, p in regions.items()})
    norwegian = parts_by_code(features(args.no_kommuner), "kommunenummer", 4)
    _with_centres("no_municipalities.json", {code: centre(p) for code, p in norwegian.items()})
    fylker = parts_by_code(features(args.no_fylker), "fylkesnummer", 2)
    _with_centres("no_counties.json", {code: centre(p) for code, p in fylker.items()})


if __name__ == "__main__":
    main()
