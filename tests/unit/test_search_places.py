"""Place understanding: a municipality or region named in a search text (pure)."""

from __future__ import annotations

import pytest

from core.reference import load_reference
from core.search.model import CourseFilter, SearchRequest
from core.search.places import PlaceFinder, PlaceKind
from core.search.providers import ProviderDirectory
from core.search.service import SearchService
from core.search.understanding import Understanding

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
