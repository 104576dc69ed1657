"""Danish and Norwegian places named in a search text, end to end, like the Swedish ones
(``test_search_understanding.py``): a small index built from the contract's Danish and
Norwegian example feeds, so that each answer is known. A Danish provider named after Aarhus
teaches welding in Esbjerg while other welding courses are held in Aarhus; Norwegian
welding in Bergen and in Lund (Rogaland), and Swedish welding in Lund (Skåne)."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from devstack.mailsink import MailSink
from tests.conftest import MeiliServer, RedisServer, make_settings
from tests.factories import make_course, make_feed, organisation_number
from tests.integration.search_support import Api, api_over_feeds

EXAMPLES = Path(__file__).resolve().parents[2] / "schema" / "examples" / "valid"
AARHUS, ESBJERG, ODENSE, SYDDANMARK = "DK-0751", "DK-0561", "DK-0461", "DK-1083"
BERGEN, NORWEGIAN_LUND, SWEDISH_LUND = "NO-4601", "NO-1112", "1281"


def _example(name: str) -> dict[str, Any]:
    feed: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return feed


def _like(template: dict[str, Any], course_id: str, kommune: str, city: str,
          **overrides: Any) -> dict[str, Any]:
    """The example course with another id and kommune (placed at the kommune's centre)."""
    course = copy.deepcopy(template)
    course.update(id=course_id, studyVisits=[], **overrides)
    course["location"] = {"municipalityCode": kommune.split("-")[1],
                          "address": {"street": "Industrivej 1", "postalCode": "1000",
                                      "city": city}}
    return course


def _feeds() -> list[dict[str, Any]]:
    danish = _example("denmark-amu.json")
    welding = danish["courses"][0]  # "Svejsning", occupation "Svejser", in Esbjerg
    danish["provider"]["name"] = "Aarhus Tekniske Kurser ApS"
    danish["courses"] = [
        _like(welding, "DA-E", ESBJERG, "Esbjerg"),
        _like(welding, "DA-A1", AARHUS, "Aarhus"),
        _like(welding, "DA-A2", AARHUS, "Aarhus"),
        _like(welding, "DA-K", AARHUS, "Aarhus", title={"da": "Køkkenassistent"},
              description={"da": "Madlavning i storkøkken."},
              occupation={"disco": "941100", "name": "Køkkenassistent"}),
    ]
    norwegian = _example("norway-amo.json")
    trucks = norwegian["courses"][0]
    sveiser = {"title": {"nb": "Sveiser – AMO-kurs"},
               "description": {"nb": "MAG-sveising av plater og rør."},
               "occupation": {"styrk": "7212", "name": "Sveisere"}}
    norwegian["courses"] = [_like(trucks, "NB-B", BERGEN, "Bergen", **sveiser),
                            _like(trucks, "NB-L", NORWEGIAN_LUND, "Moi", **sveiser)]
    swedish = make_feed([make_course("SE-L", location={
        "municipalityCode": SWEDISH_LUND,
        "address": {"street": "Skolgatan 1", "postalCode": "222 22", "city": "Lund"}})],
        org=organisation_number("556600112"))
    return [danish, norwegian, swedish]


@pytest.fixture(scope="module")
async def api(meili_server: MeiliServer, redis_server: RedisServer, smtp_sink: MailSink,
              tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Api]:
    settings = make_settings(meili_server, redis_server.url, smtp_sink,
                             MEILI_INDEX="nordic_understanding", SEARCH_CACHE_SIZE="0")
    async with api_over_feeds(settings, _feeds(),
                              tmp_path_factory.mktemp("nordic-understanding-feeds")) as running:
        yield running


SEARCH = """
query S($q: String!, $language: Language!, $interpret: Boolean! = true,
        $filter: CourseFilterInput) {
  searchCourses(query: $q, language: $language, interpretPlace: $interpret, filter: $filter,
                first: 50) {
    interpretedPlace { kind code name matchedText query }
    relaxation { kind regionCode }
    edges { node { providerCourseId location { municipality { code } } } }
  }
}
"""


async def _search(api: Api, q: str, language: str, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(
        SEARCH, {"q": q, "language": language, **variables}))["searchCourses"]
    return result


def _ids(result: dict[str, Any]) -> set[str]:
    return {e["node"]["providerCourseId"] for e in result["edges"]}


async def test_a_danish_trade_and_town_find_the_trade_in_the_kommune(api: Api) -> None:
    result = await _search(api, "svejser Aarhus", "DA")
    assert result["interpretedPlace"] == {"kind": "MUNICIPALITY", "code": AARHUS,
                                          "name": "Aarhus", "matchedText": "Aarhus",
                                          "query": "svejser"}
    # Aarhus's welding courses: not the kitchen course there, not the provider named after
    # Aarhus in Esbjerg.
    assert _ids(result) == {"DA-A1", "DA-A2"}
    assert {e["node"]["location"]["municipality"]["code"] for e in result["edges"]} == {AARHUS}
    # Undone, the town is text again and the provider's name matches it.
    as_text = await _search(api, "svejser Aarhus", "DA", interpret=False)
    assert as_text["interpretedPlace"] is None
    assert "DA-E" in _ids(as_text)


async def test_the_old_spelling_and_a_preposition_name_the_same_kommune(api: Api) -> None:
    result = await _search(api, "svejser i Århus", "DA")
    assert result["interpretedPlace"]["code"] == AARHUS
    assert result["interpretedPlace"]["matchedText"] == "i Århus"
    assert _ids(result) == {"DA-A1", "DA-A2"}


async def test_a_kommune_without_the_trade_relaxes_to_its_region(api: Api) -> None:
    result = await _search(api, "svejser Odense", "DA")
    assert result["interpretedPlace"]["code"] == ODENSE
    assert result["relaxation"] == {"kind": "WIDER_PLACE", "regionCode": SYDDANMARK}
    assert _ids(result) == {"DA-E"}  # Esbjerg is in Region Syddanmark


async def test_a_norwegian_trade_and_town(api: Api) -> None:
    result = await _search(api, "sveiser i Bergen", "NB")
    assert result["interpretedPlace"]["code"] == BERGEN
    assert result["interpretedPlace"]["query"] == "sveiser"
    assert _ids(result) == {"NB-B"}


async def test_lund_is_the_kommune_of_the_search_s_language_or_its_country_filter(
        api: Api) -> None:
    swedish = await _search(api, "Lund", "SV")
    assert swedish["interpretedPlace"]["code"] == SWEDISH_LUND
    assert _ids(swedish) == {"SE-L"}
    norwegian = await _search(api, "sveiser Lund", "NB")
    assert norwegian["interpretedPlace"]["code"] == NORWEGIAN_LUND
    assert _ids(norwegian) == {"NB-L"}
    filtered = await _search(api, "Lund", "EN", filter={"countries": ["NO"]})
    assert filtered["interpretedPlace"]["code"] == NORWEGIAN_LUND
    assert _ids(filtered) == {"NB-L"}
