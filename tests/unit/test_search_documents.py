"""Search documents mapped to records, highlights, label matching, suggestions, enums."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Any

import pytest
from graphql import GraphQLError

from api.graphql_app import should_mask_error
from api.search.enums import CORE_ENUMS
from core.errors import InputError
from core.reference import load_reference
from core.search.documents import course_from_document, highlights_from_hit
from core.search.highlight import POST_TAG, PRE_TAG, Fragment, split_marks
from core.search.matching import PrefixMatcher, normalise
from core.search.model import GeoPoint
from core.search.suggest import OccupationTerms, SuggestionKind, read_suggestions
from core.search.vocabulary import (
    Delivery,
    IntakeType,
    Language,
    Pace,
    ProgrammeType,
    Schedule,
)
from indexer.documents import to_search_document
from indexer.feed import feed_validator
from tests.factories import make_course, organisation_number

REFERENCE = load_reference()
PROVIDER = {"organisationNumber": organisation_number("556677889"), "name": "Svets & Co AB",
            "contact": {"name": "A", "email": "a@b.example"}}


def _document(**overrides: Any) -> dict[str, Any]:
    return to_search_document(PROVIDER, make_course("K1", **overrides), REFERENCE)


def test_a_fixed_course_maps_to_its_record() -> None:
    record = course_from_document(_document())
    assert record.id == f"{PROVIDER['organisationNumber'].replace('-', '')}-K1"
    assert record.course_id == "K1" and record.provider_name == "Svets & Co AB"
    assert record.title == "Svetsare MIG/MAG K1" and record.title_en == "MIG/MAG welder K1"
    assert record.programme_type is ProgrammeType.LABOUR_MARKET_TRAINING
    assert record.intake is IntakeType.FIXED
    assert (record.start_date, record.end_date) == (date(2027, 1, 11), date(2027, 4, 30))
    assert record.pace is Pace.FULL_TIME and record.pace_percent == 100
    assert record.schedule == (Schedule.DAYTIME,) and record.delivery is Delivery.ON_SITE
    assert record.municipality_code == "1280" and record.region_code == "12"
    malmo = REFERENCE.municipalities["1280"]
    assert record.location == GeoPoint(malmo.lat, malmo.lon)
    assert record.coordinates_from_municipality
    assert record.fee is None and record.is_free
    assert record.address.postal_code == "212 14"
    (visit,) = record.visits
    assert visit.start == datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    assert visit.start.utcoffset() == timedelta(hours=1)
    assert visit.end - visit.start == timedelta(minutes=90)
    assert visit.address == record.address


def test_a_continuous_part_time_course_with_a_fee() -> None:
    record = course_from_document(_document(
        intake={"type": "continuous", "durationWeeks": 12},
        pace={"type": "part_time", "percent": 50},
        participationFee={"amount": 500, "currency": "SEK", "note": "Material"},
        location={"municipalityCode": "0180", "coordinates": {"lat": 59.3, "lon": 18.1},
                  "address": {"street": "Gatan 1", "postalCode": "111 22", "city": "Stockholm"}},
    ))
    assert record.intake is IntakeType.CONTINUOUS and record.start_date is None
    assert record.duration_weeks == 12 and record.pace_percent == 50
    assert record.fee is not None and (record.fee.amount, record.fee.note) == (500, "Material")
    assert not record.is_free
    assert record.location == GeoPoint(59.3, 18.1) and not record.coordinates_from_municipality


def test_upcoming_visits() -> None:
    record = course_from_document(_document())
    (visit,) = record.visits
    assert record.upcoming_visits(visit.start - timedelta(seconds=1)) == (visit,)
    assert record.upcoming_visits(visit.start) == ()


def test_vocabularies_match_the_feed_contract() -> None:
    defs = feed_validator().schema["$defs"]["course"]["properties"]
    assert {str(v) for v in ProgrammeType} == set(defs["programmeType"]["enum"])
    assert {str(v) for v in Delivery} == set(defs["delivery"]["enum"])
    assert {str(v) for v in Schedule} == set(defs["schedule"]["items"]["enum"])


def test_graphql_enums_mirror_the_core_enums() -> None:
    for api_enum, core_enum in CORE_ENUMS.items():
        assert [m.name for m in api_enum] == [m.name for m in core_enum], api_enum
        if issubclass(core_enum, Enum):
            assert [m.value for m in api_enum] == [m.value for m in core_enum], api_enum


def test_split_marks() -> None:
    marked = f"{PRE_TAG}Svets{POST_TAG}are <b> & {PRE_TAG}TIG{POST_TAG}"
    highlighted = split_marks(marked)
    assert highlighted.fragments == (Fragment("Svets", True), Fragment("are <b> & ", False),
                                     Fragment("TIG", True))
    assert highlighted.text == "Svetsare <b> & TIG"
    assert highlighted.html() == "<mark>Svets</mark>are &lt;b&gt; &amp; <mark>TIG</mark>"
    assert split_marks("plain").fragments == (Fragment("plain", False),)
    assert split_marks("").fragments == ()
    assert split_marks(f"{PRE_TAG}open").fragments == (Fragment("open", True),)


def test_highlights_from_hit() -> None:
    assert highlights_from_hit({"title": "x"}) is None
    highlights = highlights_from_hit({"_formatted": {"title": f"{PRE_TAG}a{POST_TAG}",
                                                     "description": "b"}})
    assert highlights is not None and highlights.title_en is None
    assert highlights.title is not None and highlights.title.fragments == (Fragment("a", True),)


def test_prefix_matching_ignores_case_and_diacritics() -> None:
    matcher = PrefixMatcher([("1280", ["Malmö"]), ("1281", ["Lund"]), ("2580", ["Luleå"]),
                             ("0114", ["Upplands Väsby"]), ("9", ["Skellund"])])
    assert matcher.match("malmo", 5) == ["1280"]
    assert matcher.match("LU", 5) == ["1281", "2580", "9"]
    assert matcher.match("upplands v", 5) == ["0114"]
    assert matcher.match("väsby", 5) == ["0114"]
    assert matcher.match("lund", 1) == ["1281"]
    assert matcher.match("  ", 5) == [] and matcher.match("xyz", 5) == []
    assert normalise("  Ö  Å ") == "o a"


def test_suggestions_prefer_occupations_with_courses_then_titles() -> None:
    terms = OccupationTerms(REFERENCE)
    result = {
        "hits": [{"title": "Förstärkt arbetsträning – undersköterska", "titleEn": None},
                 {"title": "Undersköterska med språkstöd", "titleEn": "Assistant nurse"},
                 {"title": "Undersköterska med språkstöd", "titleEn": None}],
        "facetDistribution": {"occupationCode": {"5321": 12}},
    }
    found = read_suggestions("underskö", result, terms, 5, Language.SV)
    assert found[0].kind is SuggestionKind.OCCUPATION and found[0].occupation_code == "5321"
    assert found[0].count == 12
    titles = [s.text for s in found if s.kind is SuggestionKind.COURSE_TITLE]
    assert titles == ["Undersköterska med språkstöd", "Förstärkt arbetsträning – undersköterska"]


def test_danish_and_norwegian_occupations_are_suggested_by_their_unit_group_title() -> None:
    terms = OccupationTerms(REFERENCE)
    result = {"hits": [], "facetDistribution": {"occupationCode": {
        "DK-721200": 3, "DK-721210": 1, "NO-7212": 2, "7212": 5}}}
    (danish,) = read_suggestions("svejse", result, terms, 4, Language.DA)
    assert (danish.text, danish.occupation_code, danish.count, danish.isco_code) == (
        "Svejsearbejde og skærebrænding", "DK-721200", 3, "7212")
    norwegian = read_suggestions("sveis", result, terms, 4, Language.NB)
    assert [(s.text, s.occupation_code, s.isco_code) for s in norwegian] == [
        ("Sveisere", "DK-721200", "7212")]  # the group's most courses, in Norwegian
    swedish = read_suggestions("svets", result, terms, 4, Language.SV)
    assert [(s.occupation_code, s.isco_code) for s in swedish] == [("7212", None)]
    without = {"hits": [], "facetDistribution": {"occupationCode": {"7212": 5}}}
    assert read_suggestions("svejse", without, terms, 4, Language.DA) == []


@pytest.mark.parametrize(("error", "masked"), [
    (GraphQLError("syntax"), False),  # request errors have no path
    (GraphQLError("bad", path=["a"], original_error=InputError("first", "x")), False),
    (GraphQLError("arg", path=["a"], original_error=GraphQLError("Expected Int")), False),
    (GraphQLError("boom", path=["a"], original_error=RuntimeError("secret")), True),
    (GraphQLError("key", path=["a"], original_error=KeyError("x")), True),
])
def test_only_unexpected_errors_are_masked(error: GraphQLError, masked: bool) -> None:
    assert should_mask_error(error) is masked
