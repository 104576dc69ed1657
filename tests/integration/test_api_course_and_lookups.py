"""A course by id, a provider with its courses, seats left, facet-value search, suggestions
and reference data, each checked against the feeds or the reference files."""

from __future__ import annotations

import datetime
import json
import unicodedata
from collections import Counter
from typing import Any

from redis.asyncio import Redis

from core.reference import DATA_DIR, load_reference
from core.visits.seats import active_registrations_key
from tests.conftest import SampleIndex
from tests.integration.search_support import Api, feed_courses, search_all

COURSE = """query($id: ID!) { course(id: $id) {
  id providerCourseId title titleEn description descriptionEn
  occupation { code name nameEn } occupationField { id name nameEn } programmeType
  location { municipality { code name regionCode } region { code name }
             address { street postalCode city } coordinates { lat lon } coordinatesApproximate }
  intake { type startDate endDate durationWeeks } pace { type percent } schedule delivery
  isDistance languages eligibility { minimumAge requirements requirementsEn } certificate
  participationFee { amount currency note } freeOfCharge places supervisors
  contact { name email phone } url provider { organisationNumber name }
  studyVisits { id start end durationMinutes capacity seatsLeft
                address { street postalCode city } }
} }"""


def _pick(sample_index: SampleIndex) -> tuple[dict[str, Any], dict[str, Any]]:
    """A course with a fee, coordinates, fixed dates and upcoming study visits."""
    now = datetime.datetime.now(datetime.UTC)
    for feed in sample_index.feeds:
        for course in feed["courses"]:
            if (course.get("participationFee") and course["location"].get("coordinates")
                    and course["intake"]["type"] == "fixed"
                    and any(datetime.datetime.fromisoformat(v["start"]) > now
                            for v in course["studyVisits"])):
                return feed["provider"], course
    raise AssertionError("no suitable course in the sample")


async def test_a_course_by_id_has_every_field_of_its_feed(api: Api,
                                                          sample_index: SampleIndex) -> None:
    provider, course = _pick(sample_index)
    org = provider["organisationNumber"]
    course_id = f"{org.replace('-', '')}-{course['id']}"
    got = (await api.data(COURSE, {"id": course_id}))["course"]
    assert got["id"] == course_id and got["providerCourseId"] == course["id"]
    assert (got["title"], got["titleEn"]) == (course["title"]["sv"], course["title"].get("en"))
    assert got["description"] == course["description"]["sv"]
    assert got["descriptionEn"] == course["description"].get("en")
    assert got["occupation"]["code"] == course["occupation"]["ssyk"]
    assert got["occupationField"]["id"] == course["occupationField"]
    assert got["programmeType"] == course["programmeType"].upper()
    location = course["location"]
    assert got["location"]["municipality"]["code"] == location["municipalityCode"]
    assert got["location"]["address"] == location["address"]
    assert got["location"]["coordinates"] == location["coordinates"]
    assert got["location"]["coordinatesApproximate"] is False
    intake = course["intake"]
    assert (got["intake"]["type"], got["intake"]["startDate"], got["intake"]["endDate"]) == (
        "FIXED", intake["startDate"], intake["endDate"])
    assert got["pace"]["type"] == course["pace"]["type"].upper()
    assert got["pace"]["percent"] == course["pace"].get("percent", 100)
    assert got["schedule"] == [s.upper() for s in course["schedule"]]
    assert got["delivery"] == course["delivery"].upper()
    assert got["languages"] == course["languages"]
    eligibility = course["eligibility"]
    assert got["eligibility"]["minimumAge"] == eligibility["minimumAge"]
    assert got["eligibility"]["requirements"] == (eligibility.get("requirements") or {}).get("sv")
    assert got["certificate"] == course.get("certificate")
    fee = course["participationFee"]
    assert got["participationFee"] == {"amount": fee["amount"], "currency": fee["currency"],
                                       "note": fee.get("note")}
    assert got["freeOfCharge"] is (fee["amount"] == 0)
    assert (got["places"], got["supervisors"], got["url"]) == (
        course["places"], course.get("supervisors"), course["url"])
    assert got["contact"] == {"phone": None, **course["contact"]}
    assert got["provider"] == {"organisationNumber": org, "name": provider["name"]}
    now = datetime.datetime.now(datetime.UTC)
    upcoming = sorted((v for v in course["studyVisits"]
                       if datetime.datetime.fromisoformat(v["start"]) > now),
                      key=lambda v: datetime.datetime.fromisoformat(v["start"]))
    assert [v["id"] for v in got["studyVisits"]] == [f"{course_id}~{v['id']}" for v in upcoming]
    for shown, visit in zip(got["studyVisits"], upcoming, strict=True):
        start = datetime.datetime.fromisoformat(visit["start"])
        assert datetime.datetime.fromisoformat(shown["start"]) == start
        assert shown["start"][-6:] == visit["start"][-6:]  # the provider's offset is kept
        assert datetime.datetime.fromisoformat(shown["end"]) == start + datetime.timedelta(
            minutes=visit["durationMinutes"])
        assert shown["address"] == (visit.get("address") or location["address"])
        assert shown["seatsLeft"] == shown["capacity"] == visit["capacity"]


async def test_seats_left_counts_active_registrations(api: Api, sample_index: SampleIndex
                                                      ) -> None:
    provider, course = _pick(sample_index)
    course_id = f"{provider['organisationNumber'].replace('-', '')}-{course['id']}"
    first = (await api.data(COURSE, {"id": course_id}))["course"]["studyVisits"][0]
    redis = Redis.from_url(sample_index.settings.redis_url)
    key = active_registrations_key(first["id"])
    try:
        await redis.sadd(key, "r1", "r2")
        again = (await api.data(COURSE, {"id": course_id}))["course"]["studyVisits"][0]
        assert again["seatsLeft"] == max(0, first["capacity"] - 2)
        await redis.sadd(key, *[f"x{i}" for i in range(first["capacity"] + 5)])
        full = (await api.data(COURSE, {"id": course_id}))["course"]["studyVisits"][0]
        assert full["seatsLeft"] == 0
    finally:
        await redis.delete(key)
        await redis.aclose()


async def test_an_unknown_course_is_null(api: Api) -> None:
    assert (await api.data(COURSE, {"id": "5560012402-NOPE"}))["course"] is None


async def test_a_provider_with_its_courses(api: Api, sample_index: SampleIndex) -> None:
    feed = max(sample_index.feeds, key=lambda f: len(f["courses"]))
    org = feed["provider"]["organisationNumber"]
    query = """query($org: String!, $after: String) { provider(organisationNumber: $org) {
        organisationNumber name
        courses(first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor }
                                           edges { node { id provider { organisationNumber } } } }
    } }"""
    ids: list[str] = []
    after = None
    while True:
        data = (await api.data(query, {"org": org, "after": after}))["provider"]
        assert data["name"] == feed["provider"]["name"]
        page = data["courses"]
        assert page["totalCount"] == len(feed["courses"])
        ids.extend(e["node"]["id"] for e in page["edges"])
        assert all(e["node"]["provider"]["organisationNumber"] == org for e in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    expected = {f"{org.replace('-', '')}-{c['id']}" for c in feed["courses"]}
    assert len(ids) == len(expected) and set(ids) == expected
    unknown = await api.data('{ provider(organisationNumber: "556001-2401") { name } }')
    assert unknown["provider"] is None


async def test_facet_value_search_finds_municipalities_and_providers(
    api: Api, sample_index: SampleIndex
) -> None:
    courses = feed_courses(sample_index.feeds)
    query = """query($a: FacetAttribute!, $t: String!, $f: CourseFilterInput) {
        facetValues(attribute: $a, text: $t, filter: $f, first: 50) {
          value label count selected } }"""
    found = (await api.data(query, {"a": "MUNICIPALITY", "t": "lund"}))["facetValues"]
    lund = sum(c.municipality == "1281" for c in courses)
    assert {"value": "1281", "label": "Lund", "count": lund, "selected": False} in found
    assert all("lund" in v["label"].lower() for v in found)
    # Providers: a word of a provider name, counted within a filter on pace.
    word = Counter(w for f in sample_index.feeds for w in f["provider"]["name"].split()
                   if len(w) > 4).most_common(1)[0][0]
    typed = _plain(word[:4])
    expected = Counter(c.provider for c in courses
                       if c.pace == "full_time" and typed in _plain(c.provider_name))
    got = (await api.data(query, {"a": "PROVIDER", "t": word[:4],
                                  "f": {"paces": ["FULL_TIME"],
                                        "providers": [next(iter(expected))]}}))["facetValues"]
    assert {v["value"]: v["count"] for v in got} == dict(expected)
    assert [v["value"] for v in got if v["selected"]] == [next(iter(expected))]


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


async def test_suggestions(api: Api) -> None:
    data = await api.data('{ suggestions(prefix: "underskö", first: 6) '
                          "{ text kind occupationCode count } }")
    suggestions = data["suggestions"]
    assert 0 < len(suggestions) <= 6
    occupations = [s for s in suggestions if s["kind"] == "OCCUPATION"]
    assert occupations and occupations[0]["occupationCode"] in ("5321", "5323")
    assert all(s["count"] > 0 for s in occupations)
    titles = [s["text"] for s in suggestions if s["kind"] == "COURSE_TITLE"]
    assert titles and titles[0].lower().startswith("undersköterska")
    english = await api.data('{ suggestions(prefix: "weld", language: EN) { text kind } }')
    assert any("weld" in s["text"].lower() for s in english["suggestions"])
    assert (await api.data('{ suggestions(prefix: " ") { text } }'))["suggestions"] == []


async def test_reference_data_for_menus(api: Api) -> None:
    regions = json.loads((DATA_DIR / "regions.json").read_text(encoding="utf-8"))
    data = await api.data("""{ regions { code name nameEn municipalities { code } }
        occupationFields { id name nameEn } skane: municipalities(regionCodes: ["12"]) { code }
        labels: facetLabels(attribute: PROGRAMME_TYPE, language: EN) { value label }
        occupations { code } }""")
    assert [(r["code"], r["name"], r["nameEn"]) for r in data["regions"]] == sorted(
        (r["code"], r["name"], r["name_en"]) for r in regions)
    reference = load_reference()
    assert sum(len(r["municipalities"]) for r in data["regions"]) == len(
        reference.municipalities)
    assert {m["code"] for m in data["skane"]} == {
        m.code for m in reference.municipalities.values() if m.region_code == "12"}
    assert len(data["occupationFields"]) == len(reference.occupation_fields)
    assert len(data["occupations"]) == len(reference.occupations)
    assert {"value": "WORK_TRAINING", "label": "Work training"} in data["labels"]


async def test_every_municipality_in_a_search_is_labelled(api: Api, sample_index: SampleIndex
                                                         ) -> None:
    edges, _ = await search_all(api, filter={"regions": ["12"]})
    assert edges
    data = await api.data("""{ searchCourses(first: 0, facets: [MUNICIPALITY]) {
                              facets { values(first: 300) { value label } } } }""")
    reference = load_reference()
    for value in data["searchCourses"]["facets"][0]["values"]:
        assert value["label"] == reference.municipalities[value["value"]].name
