"""The studyVisits and studyVisit queries."""

from __future__ import annotations

import datetime
from typing import Any

import httpx

from tests.integration.visits.conftest import VisitIndex, register, registration_input

LIST = """
query Visits($filter: StudyVisitFilterInput, $first: Int) {
  studyVisits(filter: $filter, first: $first) {
    visit { id start capacity seatsLeft durationMinutes address { street city } }
    course { id title }
  }
}
"""


async def _list(client: httpx.AsyncClient, api: str, **variables: Any) -> Any:
    response = await client.post(f"{api}/graphql", json={"query": LIST, "variables": variables})
    return response.json()


def _ids(body: Any) -> list[str]:
    return [row["visit"]["id"] for row in body["data"]["studyVisits"]]


async def test_visits_by_course_region_municipality_and_time(
    api: str, visit_index: VisitIndex
) -> None:
    course = visit_index.course_of(visit_index.five_seats)
    upcoming = [visit_index.tomorrow, visit_index.five_seats, visit_index.two_seats]
    async with httpx.AsyncClient(timeout=10) as client:
        by_course = await _list(client, api, filter={"courseId": course})
        assert _ids(by_course) == upcoming  # earliest first; the past visit is left out
        row = by_course["data"]["studyVisits"][1]
        assert row["visit"]["capacity"] == 5 and row["visit"]["seatsLeft"] == 5
        assert row["visit"]["address"] == {"street": "Industrigatan 4", "city": "Malmö"}
        assert row["course"]["id"] == course
        everything = _ids(await _list(client, api))
        assert everything == [*upcoming, visit_index.roomy]
        assert _ids(await _list(client, api, filter={"regionCode": "12"})) == everything
        assert _ids(await _list(client, api, filter={"municipalityCode": "1280"})) == everything
        assert _ids(await _list(client, api, filter={"municipalityCode": "0180"})) == []
        soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
        assert _ids(await _list(client, api, filter={"startTo": soon.isoformat()})) == [
            visit_index.tomorrow]
        assert _ids(await _list(client, api, filter={"startFrom": soon.isoformat()})) == [
            visit_index.five_seats, visit_index.two_seats, visit_index.roomy]
        assert _ids(await _list(client, api, first=2)) == everything[:2]
        bad = await _list(client, api, filter={"regionCode": "99"})
        assert bad["data"] is None and "regionCode" in bad["errors"][0]["message"]
        # a Danish or Norwegian place is a known place (with no visits in this index)
        assert _ids(await _list(client, api, filter={"regionCode": "DK-1084"})) == []
        assert _ids(await _list(client, api, filter={"municipalityCode": "NO-0301"})) == []
        unknown = await _list(client, api, filter={"municipalityCode": "DK-9999"})
        assert unknown["data"] is None and "municipalityCode" in unknown["errors"][0]["message"]


async def test_only_visits_with_seats_left(api: str, visit_index: VisitIndex) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        for i in range(2):
            await register(client, api, registration_input(visit_index.two_seats,
                                                           f"fill{i}@example.se"))
        rows = (await _list(client, api))["data"]["studyVisits"]
        full = next(r for r in rows if r["visit"]["id"] == visit_index.two_seats)
        assert full["visit"]["seatsLeft"] == 0
        open_only = _ids(await _list(client, api, filter={"onlyWithSeatsLeft": True}))
        assert visit_index.two_seats not in open_only and visit_index.five_seats in open_only
        one = await client.post(f"{api}/graphql", json={
            "query": "query($id: ID!) { studyVisit(id: $id) { visit { seatsLeft } } }",
            "variables": {"id": visit_index.two_seats}})
        assert one.json()["data"]["studyVisit"]["visit"]["seatsLeft"] == 0
        none = await client.post(f"{api}/graphql", json={
            "query": "query($id: ID!) { studyVisit(id: $id) { visit { id } } }",
            "variables": {"id": "1234567890-X~Y"}})
        assert none.json()["data"]["studyVisit"] is None
