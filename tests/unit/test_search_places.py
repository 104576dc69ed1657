"""Place understanding: a municipality or region named in a search text (pure)."""

from __future__ import annotations

import pytest

from core.nordic_reference import Country
from core.reference import load_reference
from core.search.model import CourseFilter, SearchRequest
from core.search.places import PlaceFinder, PlaceKind
from core.search.providers import ProviderDirectory
from core.search.service import SearchService
from core.search.understanding import Understanding, place_countries
from core.search.vocabulary import Language

FINDER = PlaceFinder(load_reference())


@pytest.mark.parametrize(("text", "code", "matched", "rest"), [
    ("svetsare Malmö", "1280", "Malmö", "svetsare"),
    ("kock i Umeå", "2480", "i Umeå", "kock"),
    ("kock i umea", "2480", "i umea", "kock"),  # case and diacritics ignored
    ("Umeå undersköterska", "2480", "Umeå", "undersköterska"),
    ("truck driver in Göteborg", "1480", "in Göteborg", "truck driver"),
    ("elektriker Upplands Väsby", "0114", "Upplands Väsby", "elektriker"),
    ("Lund", "1281", "Lund", ""),
    ("snickare i Vara", "1470", "i Vara", "snickare"),
])
def test_a_municipality_at_the_end_or_the_start_is_found(text: str, code: str, matched: str,
                                                          rest: str) -> None:
    found = FINDER.find(text)
    assert found is not None
    assert (found.place.kind, found.place.code, found.matched, found.query) == (
        PlaceKind.MUNICIPALITY, code, matched, rest)


@pytest.mark.parametrize(("text", "code"), [
    ("elektriker Västra Götaland", "14"), ("undersköterska Skåne", "12"),
    ("kock Västerbottens län", "24"), ("lastbilsförare i Norrbotten", "25"),
    ("svetsare Stockholms län", "01"),
])
def test_a_region_is_found_by_its_name_with_or_without_län(text: str, code: str) -> None:
    found = FINDER.find(text)
    assert found is not None and found.place.kind is PlaceKind.REGION
    assert found.place.code == code


def test_a_municipality_wins_over_the_region_of_the_same_name() -> None:
    found = FINDER.find("kock Uppsala")
    assert found is not None and found.place.kind is PlaceKind.MUNICIPALITY


@pytest.mark.parametrize("text", [
    "svetsare", "Lundqvist", "lundgren utbildning", "vara", "mark och anläggning",
    "undersköterska vård", "",
])
def test_no_place_in_words_that_only_look_like_one(text: str) -> None:
    # Surnames that start with a town ("Lundqvist") are other words; town names that are
    # everyday words ("vara", "mark") count only after a preposition.
    assert FINDER.find(text) is None


def _planned_filter(understanding: Understanding, query: str) -> str:
    service = SearchService(load_reference(), ProviderDirectory(), 100,
                            understanding=understanding)
    call = service.plan_search(SearchRequest(query=query))
    assert call.place is not None and call.queries[0]["q"] == "svetsare"
    return str(call.queries[0]["filter"])


def test_the_place_filters_by_the_municipality_or_the_circle_around_it() -> None:
    assert _planned_filter(Understanding(), "svetsare Lund") == '(municipalityCode IN ["1281"])'
    circle = _planned_filter(Understanding(place_radius_km=30.0), "svetsare Lund")
    assert circle.startswith("(_geoRadius(") and circle.endswith(", 30000))")


def test_a_client_s_own_place_or_interpret_place_false_keeps_the_words() -> None:
    service = SearchService(load_reference(), ProviderDirectory(), 100)
    for request in (SearchRequest(query="svetsare Lund", interpret_place=False),
                    SearchRequest(query="svetsare Lund", filter=CourseFilter(regions=("01",)))):
        call = service.plan_search(request)
        assert call.place is None and call.queries[0]["q"] == "svetsare Lund"


@pytest.mark.parametrize(("text", "code", "matched", "rest"), [
    ("svejser Aarhus", "DK-0751", "Aarhus", "svejser"),
    ("svejser i Århus", "DK-0751", "i Århus", "svejser"),  # the old spelling is one name
    ("kok ved København", "DK-0101", "ved København", "kok"),
    ("Odense kok", "DK-0461", "Odense", "kok"),  # at the start
    ("sveiser Bergen", "NO-4601", "Bergen", "sveiser"),
    ("truckfører i tromso", "NO-5501", "i tromso", "truckfører"),  # ø typed as o
    ("elektriker Nore og Uvdal", "NO-3338", "Nore og Uvdal", "elektriker"),
    ("sveiser på Hitra", "NO-5056", "på Hitra", "sveiser"),
    ("kokk nær Ås", "NO-3218", "nær Ås", "kokk"),  # a common word after a preposition
])
def test_a_danish_or_norwegian_kommune_is_found_by_the_same_rules(
        text: str, code: str, matched: str, rest: str) -> None:
    found = FINDER.find(text)
    assert found is not None
    assert (found.place.kind, found.place.code, found.matched, found.query) == (
        PlaceKind.MUNICIPALITY, code, matched, rest)


@pytest.mark.parametrize(("text", "code"), [
    ("svejser Region Hovedstaden", "DK-1084"), ("svejser Midtjylland", "DK-1082"),
    ("sveiser Vestland", "NO-46"), ("kokk i Møre og Romsdal", "NO-15"),
])
def test_a_danish_region_or_a_norwegian_fylke_is_found(text: str, code: str) -> None:
    found = FINDER.find(text)
    assert found is not None and found.place.kind is PlaceKind.REGION
    assert found.place.code == code


def test_oslo_is_the_kommune_not_the_fylke() -> None:
    found = FINDER.find("kokk Oslo")
    assert found is not None
    assert (found.place.kind, found.place.code) == (PlaceKind.MUNICIPALITY, "NO-0301")


@pytest.mark.parametrize("text", [
    # Danish and Norwegian kommune names that are everyday words in one of the languages:
    # "greve" (count), "vejen" (the road), "koge" (boil), "skive" (slice), "time", "moss",
    # "strand", "ås" ("as"), "stad" (town in Swedish), "leka" (play in Swedish), "hå"
    # ("ha", have), "sola" (the sun).
    "kok greve", "vejen til job", "lær at koge", "Køge kok", "skive", "part time", "moss", "strand",
    "jobba som kock stad", "leka", "ha", "snekker sola", "Ås truckfører",
    # Herøy and Våler are two kommuner each: neither is meant more than the other.
    "sveiser Herøy", "kokk i Våler",
])
def test_no_nordic_place_in_everyday_words_or_an_ambiguous_name(text: str) -> None:
    assert FINDER.find(text) is None


def test_a_name_of_two_countries_is_the_place_of_the_first_country_given() -> None:
    # Lund is a Swedish kommun and a Norwegian kommune.
    swedish = FINDER.find("svetsare Lund")
    norwegian = FINDER.find("sveiser Lund", (Country.NO, Country.SE, Country.DK))
    assert swedish is not None and swedish.place.code == "1281"
    assert norwegian is not None and norwegian.place.code == "NO-1112"
    # Only the countries given: a Danish search does not read a Swedish town.
    assert FINDER.find("svejser Malmö", (Country.DK,)) is None


@pytest.mark.parametrize(("request_", "first"), [
    (SearchRequest(query="x"), Country.SE),
    (SearchRequest(query="x", language=Language.EN), Country.SE),
    (SearchRequest(query="x", language=Language.DA), Country.DK),
    (SearchRequest(query="x", language=Language.NB), Country.NO),
])
def test_the_search_s_language_puts_its_country_first(request_: SearchRequest,
                                                       first: Country) -> None:
    countries = place_countries(request_)
    assert countries[0] is first and set(countries) == set(Country)


def test_a_country_filter_limits_the_places_to_its_countries() -> None:
    request = SearchRequest(query="x", language=Language.NB,
                            filter=CourseFilter(countries=("DK", "SE")))
    assert place_countries(request) == (Country.DK, Country.SE)


def test_a_danish_trade_and_town_filters_by_the_kommune_and_relaxes_to_its_region() -> None:
    service = SearchService(load_reference(), ProviderDirectory(), 100)
    call = service.plan_search(SearchRequest(query="svejser Aarhus", language=Language.DA))
    assert call.place is not None and call.queries[0]["q"] == "svejser"
    assert call.queries[0]["filter"] == '(municipalityCode IN ["DK-0751"])'
    relaxation = service.reader.relaxation(call.request, call.place)
    assert relaxation is not None and relaxation.region == "DK-1082"
