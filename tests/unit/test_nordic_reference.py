"""Reference data for Denmark, Norway and ISCO-08: complete, consistent, current."""

from __future__ import annotations

import json
from pathlib import Path

from core.nordic_reference import Country, load_nordic_reference
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
