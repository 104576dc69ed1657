"""Reference data for Denmark, Norway and ISCO-08: complete, consistent, current."""

from __future__ import annotations

import json
from pathlib import Path

from core.nordic_reference import Country, load_nordic_reference
from scripts.add_nordic_centres import _ring_area_centroid, contains, representative_point
from scripts.build_nordic_reference import isco_unit_groups

NORDIC = load_nordic_reference()


def test_denmark_has_5_regions_and_98_kommuner_each_in_a_region() -> None:
    regions = NORDIC.areas[Country.DK]
    kommuner = NORDIC.municipalities[Country.DK]
    assert sorted(regions) == ["1081", "1082", "1083", "1084", "1085"]
    assert len(kommuner) == 98
    assert all(k.area_code in regions for k in kommuner.values())
    per_region = {code: sum(k.area_code == code for k in kommuner.values()) for code in regions}
    assert per_region == {"1081": 11, "1082": 19, "1083": 22, "1084": 29, "1085": 17}
    assert kommuner["0101"].name == "København"
    assert NORDIC.area_of(kommuner["0851"]).name == "Region Nordjylland"  # Aalborg
    assert all(len(code) == 4 and code.isdigit() for code in kommuner)


def test_norway_has_15_fylker_and_357_kommuner_of_the_2024_division() -> None:
    fylker = NORDIC.areas[Country.NO]
    kommuner = NORDIC.municipalities[Country.NO]
    assert len(fylker) == 15
    assert len(kommuner) == 357
    assert all(k.area_code in fylker and k.code[:2] == k.area_code for k in kommuner.values())
    assert {"31", "32", "33", "39", "40", "55", "56"} <= fylker.keys()  # split in 2024
    assert not {"30", "38", "54"} & fylker.keys()  # Viken, Vestfold og Telemark, Troms og Finnmark
    assert kommuner["0301"].name == "Oslo"
    assert kommuner["4601"].name == "Bergen"
    assert "1201" not in kommuner  # Bergen's number before 2020


def test_isco_08_has_its_436_unit_groups_with_english_titles() -> None:
    isco = NORDIC.isco
    assert len(isco) == 436
    assert isco["7212"].title_en == "Welders and Flame Cutters"
    assert {"0110", "1120", "5120", "8350", "9629"} <= isco.keys()  # one-unit minor groups
    assert not {"1000", "1100", "1110", "7210"} & isco.keys()  # groups above unit level


def test_the_build_script_tells_unit_groups_from_the_groups_above_them() -> None:
    text = '\n'.join([
        '7000 "Craft Workers"', '7200 "Metal Workers"', '7210 "Sheet Metal Workers"',
        '7212 "Welders"', '7213 "Sheet metal  workers"', '8350 "Deck Crews"',
    ])
    assert isco_unit_groups(text) == [
        {"code": "7212", "title_en": "Welders"},
        {"code": "7213", "title_en": "Sheet metal workers"},
        {"code": "8350", "title_en": "Deck Crews"},
    ]


def test_every_data_file_is_named_in_sources() -> None:
    data = Path(__file__).resolve().parents[2] / "core" / "reference" / "data"
    sources = (data / "SOURCES.md").read_text(encoding="utf-8")
    for name in ("dk_regions.json", "dk_municipalities.json", "no_counties.json",
                 "no_municipalities.json", "isco08.json"):
        assert name in sources, name
        assert json.loads((data / name).read_text(encoding="utf-8"))


# (south, north, west, east) around each country, its islands included.
BOUNDS = {Country.DK: (54.5, 57.8, 8.0, 15.2), Country.NO: (57.9, 71.2, 4.5, 31.2)}


def test_every_area_and_kommune_has_a_centre_inside_its_country() -> None:
    for country, (south, north, west, east) in BOUNDS.items():
        places = [*NORDIC.areas[country].values(), *NORDIC.municipalities[country].values()]
        assert len(places) in (5 + 98, 15 + 357)
        for place in places:
            assert place.lat is not None and place.lon is not None, place
            assert south <= place.lat <= north and west <= place.lon <= east, place


def test_centres_are_near_the_towns_the_kommuner_are_named_after() -> None:
    towns = {("DK", "0101"): (55.68, 12.57), ("DK", "0851"): (57.05, 9.92),
             ("DK", "0400"): (55.13, 14.92), ("NO", "0301"): (59.91, 10.75),
             ("NO", "4601"): (60.39, 5.32), ("NO", "5001"): (63.43, 10.40)}
    for (country, code), (lat, lon) in towns.items():
        kommune = NORDIC.municipalities[Country(country)][code]
        assert kommune.lat is not None and kommune.lon is not None
        assert abs(kommune.lat - lat) < 0.35 and abs(kommune.lon - lon) < 0.6, kommune


def test_a_representative_point_lies_inside_a_concave_polygon() -> None:
    # A "U": its centroid falls in the notch, outside the polygon.
    u_shape = [[(0.0, 0.0), (3.0, 0.0), (3.0, 3.0), (2.0, 3.0), (2.0, 1.0), (1.0, 1.0),
                (1.0, 3.0), (0.0, 3.0)]]
    _, lon, lat = _ring_area_centroid(u_shape[0])
    assert not contains(u_shape, lon, lat)
    inside_lat, inside_lon = representative_point(u_shape)
    assert contains(u_shape, inside_lon, inside_lat)
