"""Visit index documents and visit-search filters (pure functions)."""

from __future__ import annotations

import datetime

from core.visitsearch.filters import base_clauses, day_start_ts, full_visits_clause
from core.visitsearch.model import VisitFilter
from indexer.visit_documents import time_of_day, visit_document_key, visit_documents


def _course(start: str) -> dict[str, object]:
    return {
        "id": "5590123456-C1", "providerOrgNumber": "559012-3456", "providerName": "P AB",
        "title": "Svetsare", "titleEn": "Welder", "occupationCode": "7212",
        "occupationName": "Svetsare", "occupationNameEn": "Welders",
        "occupationField": "industri", "programmeType": "labour_market_training",
        "languages": ["sv"], "delivery": "on_site", "municipalityCode": "1280",
        "regionCode": "12", "_geo": {"lat": 55.6, "lng": 13.0}, "loadId": "load-1",
        "studyVisits": [{"id": "5590123456-C1~V1", "start": start, "startTs": 0,
                         "durationMinutes": 60, "capacity": 5,
                         "address": {"street": "G 1", "postalCode": "211 11", "city": "M"}}],
    }


def test_weekday_and_time_of_day_are_swedish() -> None:
    # 23:30 UTC on a Sunday in winter is 00:30 on Monday in Sweden: Monday, morning
    (doc,) = visit_documents(_course("2027-01-10T23:30:00+00:00"))
    assert (doc["weekday"], doc["timeOfDay"]) == (1, "morning")
    # 16:30 UTC in summer is 18:30 in Sweden: evening
    (doc,) = visit_documents(_course("2027-07-05T16:30:00+00:00"))
    assert (doc["weekday"], doc["timeOfDay"]) == (1, "evening")
    assert doc["visitId"] == "5590123456-C1~V1"
    assert doc["courseId"] == "5590123456-C1"


def test_times_of_day_boundaries() -> None:
    assert [time_of_day(h) for h in (0, 11, 12, 16, 17, 23)] == [
        "morning", "morning", "afternoon", "afternoon", "evening", "evening"]


def test_document_key_is_a_valid_meilisearch_key() -> None:
    key = visit_document_key("5590123456-C1~V1")
    assert key.isalnum() and len(key) == 32
    assert key != visit_document_key("5590123456-C1~V2")


def test_full_visits_are_grouped_by_seats_taken_and_quoted() -> None:
    clause = full_visits_clause({"a~1": 2, 'b"~2': 2, "c~3": 5, "d~4": 0})
    assert clause == ('(visitId IN ["a~1", "b\\"~2"] AND capacity <= 2) OR '
                      '(visitId IN ["c~3"] AND capacity <= 5)')
    assert full_visits_clause({"d~4": 0}) is None


def test_dates_are_swedish_days() -> None:
    day = datetime.date(2027, 1, 11)
    where = VisitFilter(date_from=day, date_to=day, only_with_seats_left=True)
    clauses = base_clauses(where, None, 100, "visitId IN [\"x\"]", 24)
    start = day_start_ts(day)
    assert start == int(datetime.datetime(2027, 1, 10, 23, 0, tzinfo=datetime.UTC).timestamp())
    assert clauses == ["startTs > 100", f"startTs >= {start}", f"startTs < {start + 86400}",
                       'NOT (visitId IN ["x"])']


def test_a_visit_with_its_own_closing_time_carries_it_and_its_moment() -> None:
    course = _course("2027-01-11T10:00:00+01:00")
    (plain,) = visit_documents(course)
    assert "registrationClosesTs" not in plain and "registrationClosesHoursBefore" not in plain
    visit = {**course["studyVisits"][0], "startTs": 1_800_000_000,  # type: ignore[index]
             "registrationClosesHoursBefore": 48}
    (own,) = visit_documents({**course, "studyVisits": [visit]})
    assert own["registrationClosesHoursBefore"] == 48
    assert own["registrationClosesTs"] == 1_800_000_000 - 48 * 3600
