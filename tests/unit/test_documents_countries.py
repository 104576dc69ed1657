"""Danish and Norwegian courses as search documents: country, places, ISCO-08, fee rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.nordic_reference import Country, load_nordic_reference
from core.reference import load_reference
from indexer.documents import to_search_document
from indexer.index_settings import FILTERABLE_ATTRIBUTES
from tests.factories import make_course, make_feed

EXAMPLES = Path(__file__).resolve().parents[2] / "schema" / "examples" / "valid"
REFERENCE = load_reference()


def _documents(name: str) -> list[dict[str, Any]]:
    feed = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return [to_search_document(feed["provider"], c, REFERENCE) for c in feed["courses"]]


def test_a_danish_course_is_placed_and_classified_in_its_country() -> None:
    welding, care = _documents("denmark-amu.json")
    assert welding["country"] == "DK"
    assert welding["id"] == "39172542-AMU-48795"
    assert (welding["municipalityCode"], welding["municipalityName"]) == ("DK-0561", "Esbjerg")
    assert (welding["regionCode"], welding["regionName"]) == ("DK-1083", "Region Syddanmark")
    assert welding["_geo"] == {"lat": 55.4765, "lng": 8.4594}
    assert welding["title"] == "Svejsning – MAG-svejsning af stumpsømme"
    assert welding["titleEn"] == "MAG welding of butt welds"
    assert welding["occupationCode"] == "DK-721200"
    assert welding["occupationName"] == "Svejser"
    assert welding["iscoCode"] == "7212"
    assert welding["occupationNameEn"] == "Welders and Flame Cutters"
    assert care["iscoCode"] == "5322"


def test_the_danish_fee_rule_is_kept_and_summarised() -> None:
    welding, care = _documents("denmark-amu.json")
    assert welding["danishFee"] == {"type": "by_education_level", "lowFee": 180,
                                    "fullFee": 1275}
    assert (welding["feeAmount"], welding["feeCurrency"], welding["isFree"]) == (180, "DKK",
                                                                                 False)
    assert care["danishFee"] == {"type": "exempt", "reason": "education_social_health"}
    assert (care["feeAmount"], care["feeCurrency"], care["isFree"]) == (0, "DKK", True)


def test_a_norwegian_course_keeps_its_nav_county_and_styrk_code() -> None:
    (forklift,) = _documents("norway-amo.json")
    assert forklift["country"] == "NO"
    assert (forklift["municipalityCode"], forklift["municipalityName"]) == ("NO-4601", "Bergen")
    assert (forklift["regionCode"], forklift["regionName"]) == ("NO-46", "Vestland")
    assert forklift["navCounty"] == "46"
    assert forklift["occupationCode"] == "NO-8344"
    assert forklift["iscoCode"] == "8344"
    assert forklift["minimumAge"] == 19
    assert forklift["title"] == "Truckfører – AMO-kurs"
    assert (forklift["feeAmount"], forklift["feeCurrency"], forklift["isFree"]) == (0, None, True)


def test_a_swedish_course_is_in_sweden_with_an_isco_group_only_when_stated() -> None:
    feed = make_feed([make_course("K1"), make_course(
        "K2", occupation={"ssyk": "7212", "isco": "7212", "name": "Svetsare"})])
    plain, stated = (to_search_document(feed["provider"], c, REFERENCE) for c in feed["courses"])
    assert plain["country"] == "SE" and plain["iscoCode"] is None
    assert plain["municipalityCode"] == "1280" and plain["occupationCode"] == "7212"
    assert "danishFee" not in plain and "navCounty" not in plain
    assert stated["iscoCode"] == "7212"


def test_country_and_isco_code_are_filterable() -> None:
    assert {"country", "iscoCode"} <= set(FILTERABLE_ATTRIBUTES)


def test_a_course_without_coordinates_is_placed_at_its_kommunes_centre() -> None:
    for name, kommune in (("denmark-amu.json", "0561"), ("norway-amo.json", "4601")):
        feed = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
        course = feed["courses"][0]
        del course["location"]["coordinates"]
        document = to_search_document(feed["provider"], course, REFERENCE)
        country = Country(feed["provider"]["country"])
        centre = load_nordic_reference().municipalities[country][kommune]
        assert document["_geo"] == {"lat": centre.lat, "lng": centre.lon}
        assert document["coordinatesFromMunicipality"] is True
