"""What a search understands in its text, end to end: places, dead ends, every occupation.

A small index built from hand-made feeds, so that each answer is known: a provider named
after two people whose names start with "Lund" teaches welding in Malmö, while courses
are held in Lund by another; a cook in Umeå; a truck-driving course; a distance course; a
course of an SSYK unit group without curated job titles (5132 Bartendrar).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from devstack.mailsink import MailSink
from tests.conftest import MeiliServer, RedisServer, make_settings
from tests.factories import make_course, make_feed, organisation_number
from tests.integration.search_support import Api, api_over_feeds

LUND, MALMO, UMEA, STOCKHOLM, SKELLEFTEA = "1281", "1280", "2480", "0180", "2482"


def _at(code: str, city: str) -> dict[str, Any]:
    return {"municipalityCode": code,
            "address": {"street": "Skolgatan 1", "postalCode": "100 00", "city": city}}


def _feeds() -> list[dict[str, Any]]:
    field = "transport-distribution-lager"
    return [
        make_feed([make_course(f"LL-{n}") for n in range(3)]  # welding in Malmö
                  + [make_course("LL-D", delivery="distance")],
                  org=organisation_number("556677889"),
                  name="Lundqvist & Lundgren Yrkesutbildning AB"),
        make_feed([
            make_course("SV-1", title={"sv": "Undersköterska inom äldreomsorg"},
                        occupation={"ssyk": "5321", "name": "Undersköterskor"},
                        location=_at(LUND, "Lund")),
            make_course("SV-2", title={"sv": "Undersköterska, hemtjänst"},
                        occupation={"ssyk": "5321", "name": "Undersköterskor"},
                        location=_at(LUND, "Lund")),
            make_course("SV-3", location=_at(LUND, "Lund")),  # welding in Lund
        ], org=organisation_number("556600112"), name="Skånska Vårdutbildningar AB"),
        make_feed([
            make_course("NO-1", title={"sv": "Kock, restaurang och storkök"},
                        occupation={"ssyk": "5120", "name": "Kockar och kallskänkor"},
                        location=_at(UMEA, "Umeå")),
            make_course("NO-2", title={"sv": "Lastbilsförare CE"}, occupationField=field,
                        occupation={"ssyk": "8332", "name": "Lastbilsförare m.fl."},
                        description={"sv": "Körkort C och CE med YKB."},
                        location=_at(UMEA, "Umeå")),
            make_course("NO-3", title={"sv": "Barutbildning"},
                        occupation={"ssyk": "5132", "name": "Bartendrar"},
                        description={"sv": "Drinkar och service."},
                        location=_at(STOCKHOLM, "Stockholm")),
        ], org=organisation_number("556611223"), name="Norrlands Kompetens AB"),
    ]


@pytest.fixture(scope="module")
async def api(meili_server: MeiliServer, redis_server: RedisServer, smtp_sink: MailSink,
              tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Api]:
    settings = make_settings(meili_server, redis_server.url, smtp_sink,
                             MEILI_INDEX="understanding", SEARCH_CACHE_SIZE="0")
    async with api_over_feeds(settings, _feeds(),
                              tmp_path_factory.mktemp("understanding-feeds")) as running:
        yield running


SEARCH = """
query S($q: String!, $interpret: Boolean! = true, $filter: CourseFilterInput) {
  searchCourses(query: $q, interpretPlace: $interpret, filter: $filter, first: 50) {
    totalCount
    interpretedPlace { kind code name matchedText query }
    relaxation { kind occupationCodes words regionCode }
    didYouMean
    edges { node { providerCourseId location { municipality { code } } } }
  }
}
"""


async def _search(api: Api, q: str, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(SEARCH, {"q": q, **variables}))["searchCourses"]
    return result


def _ids(result: dict[str, Any]) -> set[str]:
    return {e["node"]["providerCourseId"] for e in result["edges"]}


async def test_a_town_that_is_also_a_surname_is_searched_as_the_town(api: Api) -> None:
    result = await _search(api, "Lund")
    assert result["interpretedPlace"] == {"kind": "MUNICIPALITY", "code": LUND, "name": "Lund",
                                          "matchedText": "Lund", "query": ""}
    assert _ids(result) == {"SV-1", "SV-2", "SV-3"}  # not Lundqvist & Lundgren's in Malmö
    # Undone, the word is text again: the provider's name matches.
    as_text = await _search(api, "Lund", interpret=False)
    assert as_text["interpretedPlace"] is None
    assert {"LL-0", "LL-1", "LL-2"} <= _ids(as_text)


async def test_a_trade_and_a_town_find_the_trade_in_the_town(api: Api) -> None:
    result = await _search(api, "svetsare i Lund")
    assert result["interpretedPlace"]["query"] == "svetsare"
    assert result["interpretedPlace"]["matchedText"] == "i Lund"
    assert _ids(result) == {"SV-3"}
    assert result["relaxation"] is None


async def test_distance_courses_follow_the_distance_courses_rule(api: Api) -> None:
    by_place = await _search(api, "svetsare Lund")
    assert "LL-D" not in _ids(by_place)  # held at its provider's office in Malmö
    anywhere = await _search(api, "svetsare Lund", filter={"distanceCourses": "ANYWHERE"})
    assert _ids(anywhere) == {"SV-3", "LL-D"}


async def test_a_region_is_understood(api: Api) -> None:
    result = await _search(api, "undersköterska Skåne")
    assert result["interpretedPlace"]["kind"] == "REGION"
    assert result["interpretedPlace"]["code"] == "12"
    assert _ids(result) == {"SV-1", "SV-2"}


async def test_a_word_that_finds_nothing_gets_the_occupations_it_points_to(api: Api) -> None:
    # "chaufför" itself is a keyword of the driver groups now, so it finds NO-2 directly.
    assert _ids(await _search(api, "chaufför")) == {"NO-2"}
    result = await _search(api, "yrkesförarna")  # a plural of a job title of 8332
    assert result["relaxation"]["kind"] == "OCCUPATIONS"
    assert result["relaxation"]["occupationCodes"] == ["8332"]
    assert _ids(result) == {"NO-2"}
    assert result["totalCount"] == 1


async def test_a_trade_missing_in_a_town_is_searched_in_its_region(api: Api) -> None:
    result = await _search(api, "kock i Skellefteå")
    assert result["interpretedPlace"]["code"] == SKELLEFTEA
    assert result["relaxation"] == {"kind": "WIDER_PLACE", "occupationCodes": [], "words": [],
                                    "regionCode": "24"}
    assert _ids(result) == {"NO-1"}  # in Umeå, Västerbotten


async def test_the_client_s_own_filters_are_not_relaxed(api: Api) -> None:
    result = await _search(api, "chaufför", filter={"paces": ["PART_TIME"]})
    assert result["totalCount"] == 0
    assert result["relaxation"] is None


async def test_a_dead_end_with_nothing_to_relax_to_offers_did_you_mean(api: Api) -> None:
    # "tekniker" ends the job titles of more occupations than a relaxed search may take.
    result = await _search(api, "tekniker")
    assert (result["totalCount"], result["relaxation"]) == (0, None)
    assert result["didYouMean"]
    assert all("tekniker" in title for title in result["didYouMean"])
    nothing = await _search(api, "qqxqzvw")
    assert (nothing["totalCount"], nothing["relaxation"], nothing["didYouMean"]) == (0, None, [])


async def test_a_unit_group_without_curated_titles_has_its_name_label_and_suggestion(
        api: Api) -> None:
    data = await api.data("""{
      searchCourses(query: "bartendrar", facets: [OCCUPATION]) {
        edges { node { providerCourseId occupation { code name } } }
        facets { values { value label } }
      }
      suggestions(prefix: "bartend") { text kind occupationCode count }
    }""")
    result = data["searchCourses"]
    assert [e["node"]["providerCourseId"] for e in result["edges"]] == ["NO-3"]
    assert result["edges"][0]["node"]["occupation"] == {"code": "5132", "name": "Bartendrar"}
    assert {"value": "5132", "label": "Bartendrar"} in result["facets"][0]["values"]
    assert {"text": "Bartendrar", "kind": "OCCUPATION", "occupationCode": "5132",
            "count": 1} in data["suggestions"]


async def test_a_taxonomy_occupation_name_finds_and_suggests_its_unit_group(api: Api) -> None:
    # "Kaffebartender" is in no course text and no curated job title: the labour market
    # taxonomy names it as an occupation of 5132 (Bartendrar).
    data = await api.data("""{
      searchCourses(query: "kaffebartender") { edges { node { providerCourseId } } }
      suggestions(prefix: "kaffebar") { text kind occupationCode count }
    }""")
    assert [e["node"]["providerCourseId"] for e in data["searchCourses"]["edges"]] == ["NO-3"]
    assert {"text": "Barista/Kaffebartender", "kind": "OCCUPATION", "occupationCode": "5132",
            "count": 1} in data["suggestions"]


async def test_an_official_english_name_finds_and_suggests_its_unit_group_in_english(
        api: Api) -> None:
    # "Bartenders" is SCB's English name of 5132 (Bartendrar): in no course text and no
    # curated job title.
    data = await api.data("""{
      searchCourses(query: "bartenders", language: EN, facets: [OCCUPATION]) {
        edges { node { providerCourseId occupation { code nameEn } } }
        facets { values { value label } }
      }
      suggestions(prefix: "bartend", language: EN) { text kind occupationCode count }
    }""")
    result = data["searchCourses"]
    assert [e["node"]["providerCourseId"] for e in result["edges"]] == ["NO-3"]
    assert result["edges"][0]["node"]["occupation"] == {"code": "5132", "nameEn": "Bartenders"}
    assert {"value": "5132", "label": "Bartenders"} in result["facets"][0]["values"]
    assert {"text": "Bartenders", "kind": "OCCUPATION", "occupationCode": "5132",
            "count": 1} in data["suggestions"]
