"""The feed contract per country: Danish and Norwegian courses, and Swedish ones unchanged.

The committed examples (``schema/examples``) hold one invalid feed per rule; these tests
vary one field of a valid Danish or Norwegian course at a time.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from core.reference import load_reference
from indexer.feed import Feed, Rejection, validate_feed
from tests.factories import make_course, make_feed

EXAMPLES = Path(__file__).resolve().parents[2] / "schema" / "examples" / "valid"
REFERENCE = load_reference()
DANISH = json.loads((EXAMPLES / "denmark-amu.json").read_text(encoding="utf-8"))
NORWEGIAN = json.loads((EXAMPLES / "norway-amo.json").read_text(encoding="utf-8"))


def _feed(base: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    feed = copy.deepcopy(base)
    feed["courses"] = feed["courses"][:1]
    feed["courses"][0].update(copy.deepcopy(overrides))
    return feed


def _rejection(feed: dict[str, Any]) -> tuple[str, str] | None:
    result = validate_feed(feed, "feed.json", REFERENCE)
    if isinstance(result, Rejection):
        return result.field, result.reason
    assert len(result.rejections) <= 1
    return (result.rejections[0].field, result.rejections[0].reason) if result.rejections else None


def test_the_danish_and_norwegian_examples_are_accepted() -> None:
    for feed in (DANISH, NORWEGIAN):
        result = validate_feed(copy.deepcopy(feed), "feed.json", REFERENCE)
        assert isinstance(result, Feed) and not result.rejections
        assert len(result.courses) == len(feed["courses"])


DK_LOCATION = DANISH["courses"][0]["location"]


@pytest.mark.parametrize(("overrides", "field", "reason"), [
    # geography
    ({"location": {**DK_LOCATION, "municipalityCode": "561"}}, "location.municipalityCode",
     "does not match '^[0-9]{4}$'"),  # without the leading zero
    ({"location": {**DK_LOCATION, "municipalityCode": "0411"}}, "location.municipalityCode",
     "is not a Danish kommunekode"),  # Christiansø is outside the kommune division
    ({"location": {k: v for k, v in DK_LOCATION.items() if k != "coordinates"}},
     None, None),  # the kommune's centre stands in
    # occupation
    ({"occupation": {"disco": "7212", "name": "Svejser"}}, None, None),  # four digits suffice
    ({"occupation": {"disco": "72120", "name": "Svejser"}}, "occupation.disco",
     "does not match"),
    ({"occupation": {"disco": "721200", "styrk": "7212", "name": "Svejser"}},
     "occupation.styrk", "as DISCO-08"),
    ({"occupation": {"disco": "721200", "isco": "7213", "name": "Svejser"}},
     "occupation.isco", "does not match the DISCO-08 code's ISCO-08 group '7212'"),
    ({"occupation": {"name": "Svejser"}}, "occupation", "needs one of 'ssyk', 'disco', 'styrk'"),
    # fee rule
    ({"danishFee": {"type": "by_education_level", "lowFee": 0, "fullFee": 0}}, None, None),
    ({"danishFee": {"type": "by_education_level", "lowFee": 1275, "fullFee": 180}},
     "danishFee.fullFee", "is lower than lowFee"),
    ({"danishFee": {"type": "by_education_level", "lowFee": 180}}, "danishFee.fullFee",
     "required"),
    ({"danishFee": {"type": "exempt", "reason": "basic_skills_with_course"}}, None, None),
    ({"danishFee": {"type": "exempt", "reason": "education_social_health"}},
     "danishFee.reason", "'industriell-tillverkning' is not in the education"),
    ({"danishFee": {"type": "exempt", "reason": "skills_assessment"}}, "danishFee.reason",
     "only a validation"),
    ({"programmeType": "validation"}, "danishFee", "individual skills assessment is free"),
    ({"programmeType": "validation",
      "danishFee": {"type": "exempt", "reason": "skills_assessment"}}, None, None),
    ({"occupationField": "pedagogik"}, "danishFee", "are free of charge"),
    ({"danishFee": {"type": "exempt", "reason": "holiday"}}, "danishFee.reason",
     "is not one of"),
    # the other countries' rules
    ({"navCounty": "46"}, "navCounty", "is for Norwegian courses only"),
    ({"description": {"sv": "Svetsning"}}, "description.da", "needs its text in 'da'"),
    ({"eligibility": {"minimumAge": 18, "requirements": {"en": "None"}}},
     "eligibility.requirements", "needs one of 'sv', 'da', 'nb'"),
    ({"eligibility": {"minimumAge": 18, "requirements": {"sv": "Inga"}}},
     "eligibility.requirements.da", "needs its text in 'da'"),
])
def test_danish_course_rules(overrides: dict[str, Any], field: str | None,
                             reason: str | None) -> None:
    got = _rejection(_feed(DANISH, **overrides))
    if field is None:
        assert got is None
    else:
        assert got is not None and got[0] == field and reason is not None and reason in got[1], got


NO_LOCATION = NORWEGIAN["courses"][0]["location"]


@pytest.mark.parametrize(("overrides", "field", "reason"), [
    ({"location": {**NO_LOCATION, "municipalityCode": "3005"}}, "location.municipalityCode",
     "is not a Norwegian kommunenummer"),  # Drammen in Viken, dissolved in 2024
    ({"location": {**NO_LOCATION, "municipalityCode": "3301"}}, None, None),  # Drammen now
    ({"navCounty": "30"}, "navCounty", "'30' is not a Norwegian fylke"),  # Viken
    ({"navCounty": "3"}, "navCounty", "does not match"),
    ({"eligibility": {"minimumAge": 19}}, None, None),
    ({"eligibility": {"minimumAge": 25}}, None, None),
    ({"eligibility": {"minimumAge": 16}}, "eligibility.minimumAge", "open from 19"),
    ({"occupation": {"styrk": "7299", "name": "Sveiser"}}, "occupation.styrk",
     "'7299' is not an ISCO-08 unit group"),
    ({"occupation": {"disco": "834400", "name": "Truckfører"}}, "occupation.disco",
     "as STYRK-08"),
    ({"participationFee": {"amount": 0, "currency": "NOK"}}, None, None),
    ({"participationFee": {"amount": 900, "currency": "SEK"}}, "participationFee.currency",
     "in NOK"),
    ({"participationFee": {"amount": 900, "currency": "GBP"}}, "participationFee.currency",
     "is not one of"),
    ({"danishFee": {"type": "exempt", "reason": "skills_assessment"}}, "danishFee",
     "for Danish courses only"),
    ({"title": {"da": "Truckfører"}}, "title.nb", "needs its text in 'nb'"),
    ({"studyVisits": [{"id": "B", "start": "2027-02-10T13:00:00+01:00", "durationMinutes": 60,
                       "capacity": 4, "address": {"street": "Nygårdsgaten 1",
                                                  "postalCode": "50 15", "city": "Bergen"}}]},
     "studyVisits.0.address.postalCode", "does not match"),
])
def test_norwegian_course_rules(overrides: dict[str, Any], field: str | None,
                                reason: str | None) -> None:
    got = _rejection(_feed(NORWEGIAN, **overrides))
    if field is None:
        assert got is None
    else:
        assert got is not None and got[0] == field and reason is not None and reason in got[1], got


def test_a_norwegian_course_names_its_nav_county() -> None:
    feed = _feed(NORWEGIAN)
    del feed["courses"][0]["navCounty"]
    assert _rejection(feed) == (
        "navCounty", "a Norwegian course names the NAV county (fylkesnummer) that buys it")


@pytest.mark.parametrize(("provider", "field", "reason"), [
    ({"country": "DK", "organisationNumber": "992831405"}, "provider.organisationNumber",
     "does not match '^[0-9]{8}$'"),
    ({"country": "NO", "organisationNumber": "39172542"}, "provider.organisationNumber",
     "does not match '^[0-9]{9}$'"),
    ({"country": "SE", "organisationNumber": "39172542"}, "provider.organisationNumber",
     "does not match '^[0-9]{6}-[0-9]{4}$'"),
    ({"country": "FI", "organisationNumber": "39172542"}, "provider.country", "is not one of"),
])
def test_the_identifier_must_be_the_providers_countrys(provider: dict[str, Any], field: str,
                                                        reason: str) -> None:
    feed = _feed(DANISH)
    feed["provider"].update(provider)
    got = _rejection(feed)
    assert got is not None and got[0] == field and reason in got[1], got


@pytest.mark.parametrize(("overrides", "field", "reason"), [
    ({}, None, None),
    ({"occupation": {"ssyk": "7212", "isco": "7212", "name": "Svetsare"}}, None, None),
    ({"occupation": {"ssyk": "7212", "isco": "7299", "name": "Svetsare"}}, "occupation.isco",
     "'7299' is not an ISCO-08 unit group"),
    ({"occupation": {"disco": "721200", "name": "Svetsare"}}, "occupation.disco",
     "as SSYK 2012"),
    ({"participationFee": {"amount": 500, "currency": "EUR"}}, None, None),  # as in 1.0
    ({"participationFee": {"amount": 500, "currency": "NOK"}}, "participationFee.currency",
     "in SEK or EUR"),
    ({"title": {"da": "Svejsning"}}, "title.sv", "needs its text in 'sv'"),
    ({"location": {"municipalityCode": "0301", "address": {
        "street": "Storgatan 1", "postalCode": "111 22", "city": "Stockholm"}}},
     "location.municipalityCode", "'0301' is not a Swedish municipality code"),
    ({"location": {"municipalityCode": "1280", "address": {
        "street": "Storgatan 1", "postalCode": "2100", "city": "Malmö"}}},
     "location.address.postalCode", "a Swedish postal code is 5 digits (NNN NN)"),
    ({"location": {"municipalityCode": "1280", "address": {
        "street": "Storgatan 1", "postalCode": "21120", "city": "Malmö"}}}, None, None),
])
def test_swedish_courses_keep_the_10_rules(overrides: dict[str, Any], field: str | None,
                                           reason: str | None) -> None:
    got = _rejection(make_feed([make_course("K1", **overrides)]))
    if field is None:
        assert got is None
    else:
        assert got is not None and got[0] == field and reason is not None and reason in got[1], got
