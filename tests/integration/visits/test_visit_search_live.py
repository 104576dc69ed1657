"""The visit finder against live seats and feed loads: a taken seat and a waitlisted
registration show at once, a removed visit leaves the visit index in the same load, a
rebuild swaps both indexes."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path
from typing import Any

import httpx
from meilisearch import Client

from core.reference import load_reference
from core.settings import Settings
from indexer.documents import course_document_id, study_visit_id
from indexer.loader import CourseIndexer
from indexer.visit_documents import visit_index_uid
from tests.conftest import MeiliServer
from tests.factories import make_course, make_feed, organisation_number
from tests.integration.visits.conftest import VisitIndex, register, registration_input

FIND = """
query Find($filter: StudyVisitSearchFilterInput) {
  searchStudyVisits(filter: $filter, first: 100) {
    totalCount
    edges { waitlistLength node { id seatsLeft capacity waitlistLength } }
  }
}
"""


async def _edges(client: httpx.AsyncClient, api: str, only_with_seats_left: bool
                 ) -> dict[str, dict[str, Any]]:
    response = await client.post(f"{api}/graphql", json={
        "query": FIND, "variables": {"filter": {"onlyWithSeatsLeft": only_with_seats_left}}})
    body = response.json()
    assert "errors" not in body, body
    page = body["data"]["searchStudyVisits"]
    assert page["totalCount"] == len(page["edges"])
    return {e["node"]["id"]: e for e in page["edges"]}


async def _find(client: httpx.AsyncClient, api: str, only_with_seats_left: bool
                ) -> dict[str, int]:
    edges = await _edges(client, api, only_with_seats_left)
    return {visit_id: edge["node"]["seatsLeft"] for visit_id, edge in edges.items()}


async def test_the_last_seat_taken_shows_at_once(api: str, visit_index: VisitIndex) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        before = await _find(client, api, only_with_seats_left=True)
        assert before[visit_index.two_seats] == 2
        assert visit_index.past not in before  # only upcoming visits
        first = await register(client, api, registration_input(visit_index.two_seats,
                                                                "a1@example.se"))
        assert first["errors"] == []
        assert (await _find(client, api, True))[visit_index.two_seats] == 1
        last = await register(client, api, registration_input(visit_index.two_seats,
                                                               "a2@example.se"))
        assert last["errors"] == []
        with_seats = await _find(client, api, True)
        assert visit_index.two_seats not in with_seats
        assert set(with_seats) == set(before) - {visit_index.two_seats}
        every = await _find(client, api, False)
        assert every[visit_index.two_seats] == 0
        # the full visit's waitlist shows on its hit at once
        full = (await _edges(client, api, False))[visit_index.two_seats]
        assert (full["waitlistLength"], full["node"]["waitlistLength"]) == (0, 0)
        queued = await register(client, api, registration_input(
            visit_index.two_seats, "a3@example.se", joinWaitlistIfFull=True))
        assert queued["errors"] == []
        full = (await _edges(client, api, False))[visit_index.two_seats]
        assert (full["waitlistLength"], full["node"]["waitlistLength"]) == (1, 1)
        assert visit_index.two_seats not in await _find(client, api, True)


def _visit_ids(meili: MeiliServer, index: str) -> set[str]:
    client = Client(meili.url, meili.master_key)
    page = client.index(visit_index_uid(index)).get_documents({"limit": 1000,
                                                               "fields": ["visitId"]})
    return {doc.visitId for doc in page.results}


def _feed(visit_ids: list[str], org: str) -> dict[str, Any]:
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=5)
    visits = [{"id": vid, "start": (start + datetime.timedelta(hours=n)).replace(
        microsecond=0).isoformat(), "durationMinutes": 60, "capacity": 4}
        for n, vid in enumerate(visit_ids)]
    return make_feed([make_course("C1", studyVisits=visits)], org)


def _write(path: Path, feed: dict[str, Any]) -> Path:
    path.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_load_that_removes_a_visit_removes_it_from_the_visit_index(
        meili_server: MeiliServer, settings: Settings, tmp_path: Path) -> None:
    org = organisation_number("559099887")
    client = Client(meili_server.url, meili_server.master_key)
    indexer = CourseIndexer(client, settings.meili_index, load_reference(), 60)
    course = course_document_id(org, "C1")
    indexer.load([_write(tmp_path / "a.json", _feed(["V1", "V2", "V3"], org))])
    assert _visit_ids(meili_server, settings.meili_index) == {
        study_visit_id(course, v) for v in ("V1", "V2", "V3")}
    indexer.load([_write(tmp_path / "a.json", _feed(["V1", "V3"], org))])
    assert _visit_ids(meili_server, settings.meili_index) == {
        study_visit_id(course, v) for v in ("V1", "V3")}
    # a course whose new record is rejected keeps its visits, as it keeps its last version
    broken = copy.deepcopy(_feed(["V1", "V3"], org))
    broken["courses"][0]["durationMinutes"] = "not a course field"
    broken["courses"][0]["title"] = 42
    summary = indexer.load([_write(tmp_path / "a.json", broken)])
    assert summary.rejected == 1
    assert _visit_ids(meili_server, settings.meili_index) == {
        study_visit_id(course, v) for v in ("V1", "V3")}


def test_a_rebuild_swaps_both_indexes_together(
        meili_server: MeiliServer, settings: Settings, tmp_path: Path) -> None:
    org = organisation_number("559099888")
    client = Client(meili_server.url, meili_server.master_key)
    indexer = CourseIndexer(client, settings.meili_index, load_reference(), 60)
    course = course_document_id(org, "C1")
    indexer.load([_write(tmp_path / "a.json", _feed(["V1", "V2"], org))])
    summary = indexer.rebuild([_write(tmp_path / "a.json", _feed(["V2", "V4"], org))])
    assert summary.indexed == 1
    assert _visit_ids(meili_server, settings.meili_index) == {
        study_visit_id(course, v) for v in ("V2", "V4")}
    names = {index.uid for index in client.get_indexes({"limit": 1000})["results"]}
    assert not any("_build_" in name and name.startswith(settings.meili_index)
                   for name in names)
