"""Seat templates: a response projected once, its seats left filled in per request."""

from __future__ import annotations

import datetime
import math

import orjson
import pytest

from api.search.compiled.course_fields import VisitSource
from api.search.compiled.seat_template import SeatMarkers, meili_of, template_of

START = datetime.datetime(2030, 1, 1, 9, tzinfo=datetime.UTC)


def _visit(visit_id: str, capacity: int) -> VisitSource:
    return VisitSource({"id": visit_id, "capacity": capacity}, START)


def _response(seats: dict[str, object]) -> dict[str, object]:
    """A response listing visits A, B and A again (one course's, then another's)."""
    return {"data": {"edges": [
        {"title": 'Svetsare "\\u0000" \x00', "visits": [{"id": "A", "seatsLeft": seats["A1"]},
                                                       {"id": "B", "seatsLeft": seats["B"]}]},
        {"title": "Kock", "visits": [{"id": "A", "seatsLeft": seats["A2"]}]}]}}


def test_a_filled_template_is_the_response_with_those_seats() -> None:
    markers = SeatMarkers()
    a, b = _visit("A", 6), _visit("B", 2)
    template = markers.template(orjson.dumps(_response(
        {"A1": markers(a), "B": markers(b), "A2": markers(a)})))
    assert template.visit_ids() == ["A", "B"]
    for taken, left in [({"A": 0, "B": 0}, (6, 2)), ({"A": 4, "B": 5}, (2, 0))]:
        expected = orjson.dumps(_response({"A1": left[0], "B": left[1], "A2": left[0]}))
        assert template.fill(taken) == expected


def test_a_packed_template_keeps_the_answer_and_when_it_holds() -> None:
    markers = SeatMarkers()
    body = orjson.dumps(_response({"A1": markers(_visit("A", 3)), "B": markers(_visit("B", 1)),
                                   "A2": markers(_visit("A", 3))}))
    meili = b'{"results":[{"hits":[]}]}'
    for until in (START.timestamp(), math.inf):
        template = markers.template(body, until)
        payload = template.pack(meili)
        assert template_of(payload) == template
        assert meili_of(payload) == meili
        assert template_of(payload).fill({"A": 1, "B": 0}) == template.fill({"A": 1, "B": 0})


def test_a_response_without_seats_is_its_own_template() -> None:
    body = orjson.dumps({"data": {"totalCount": 3}})
    template = SeatMarkers().template(body)
    assert template.visit_ids() == [] and template.fill({}) == body
    assert template_of(template.pack(b"{}")).fill({}) == body


def test_markers_differ_and_a_missing_one_is_an_error() -> None:
    first, second = SeatMarkers(), SeatMarkers()
    assert first.marker != second.marker and first.marker.startswith("\x00")
    first(_visit("A", 1))
    with pytest.raises(ValueError, match="seat markers"):
        first.template(orjson.dumps({"data": {"seatsLeft": 1}}))
