from datetime import UTC, datetime

from core.reference import load_reference
from indexer.documents import (
    course_document_id,
    date_timestamp,
    study_visit_id,
    to_search_document,
)
from tests.factories import make_course, make_feed

REFERENCE = load_reference()


def _document(**overrides: object) -> dict[str, object]:
    feed = make_feed([make_course("K1", **overrides)])
    return to_search_document(feed["provider"], feed["courses"][0], REFERENCE)


def test_ids_combine_provider_digits_and_course_id() -> None:
    assert course_document_id("556677-8899", "UTB-1") == "5566778899-UTB-1"
    assert study_visit_id("5566778899-UTB-1", "SB1") == "5566778899-UTB-1~SB1"
    doc = _document()
    assert doc["id"] == course_document_id(make_feed([])["provider"]["organisationNumber"], "K1")
    assert doc["courseId"] == "K1"


def test_region_and_names_come_from_the_municipality_code() -> None:
    doc = _document()
    assert doc["municipalityCode"] == "1280"
    assert doc["municipalityName"] == "Malmö"
    assert doc["regionCode"] == "12"
    assert doc["regionName"] == "Skåne län"


def test_geo_defaults_to_the_municipality_centre() -> None:
    doc = _document()
    malmo = REFERENCE.municipalities["1280"]
    assert doc["_geo"] == {"lat": malmo.lat, "lng": malmo.lon}
    assert doc["coordinatesFromMunicipality"] is True


def test_given_coordinates_win() -> None:
    location = {
        "municipalityCode": "1280",
        "address": {"street": "Gatan 1", "postalCode": "211 20", "city": "Malmö"},
        "coordinates": {"lat": 55.6, "lon": 13.0},
    }
    doc = _document(location=location)
    assert doc["_geo"] == {"lat": 55.6, "lng": 13.0}
    assert doc["coordinatesFromMunicipality"] is False


def test_fixed_dates_become_timestamps_and_weeks() -> None:
    doc = _document(intake={"type": "fixed", "startDate": "2027-01-11", "endDate": "2027-01-24"})
    assert doc["startDate"] == int(datetime(2027, 1, 11, tzinfo=UTC).timestamp())
    assert doc["endDate"] == date_timestamp("2027-01-24")
    assert doc["durationWeeks"] == 2
    assert doc["intake"] == "fixed"


def test_partial_weeks_round_up() -> None:
    doc = _document(intake={"type": "fixed", "startDate": "2027-01-11", "endDate": "2027-01-11"})
    assert doc["durationWeeks"] == 1
    doc = _document(intake={"type": "fixed", "startDate": "2027-01-01", "endDate": "2027-01-15"})
    assert doc["durationWeeks"] == 3


def test_continuous_intake_has_no_dates() -> None:
    doc = _document(intake={"type": "continuous", "durationWeeks": 26})
    assert doc["startDate"] is None and doc["endDate"] is None
    assert doc["durationWeeks"] == 26
    assert doc["intake"] == "continuous"


def test_pace_and_delivery_facets() -> None:
    doc = _document(pace={"type": "part_time", "percent": 50}, delivery="distance")
    assert (doc["pace"], doc["pacePercent"]) == ("part_time", 50)
    assert doc["isDistance"] is True
    full = _document()
    assert (full["pace"], full["pacePercent"], full["isDistance"]) == ("full_time", 100, False)


def test_fee_absent_means_free() -> None:
    assert _document()["isFree"] is True
    assert _document()["feeAmount"] == 0
    zero = _document(participationFee={"amount": 0, "currency": "SEK"})
    assert zero["isFree"] is True
    paid = _document(participationFee={"amount": 1200, "currency": "SEK", "note": "Material"})
    assert (paid["isFree"], paid["feeAmount"], paid["feeCurrency"]) == (False, 1200, "SEK")
    assert paid["feeNote"] == "Material"


def test_occupation_names_come_from_reference_when_known() -> None:
    doc = _document()
    known = REFERENCE.occupations.get("7212")
    if known is not None:
        assert doc["occupationName"] == known.name_sv
        assert doc["occupationNameEn"] == known.name_en
    assert "Svetsare, manuell" in doc["occupationNames"]  # the taxonomy's, searchable
    assert doc["occupationKeywords"] == list(REFERENCE.occupations["7212"].keywords)
    unknown = _document(occupation={"ssyk": "9999", "name": "Okänt yrke"})
    assert unknown["occupationName"] == "Okänt yrke"
    assert unknown["occupationNameEn"] is None
    assert unknown["occupationNames"] == unknown["occupationKeywords"] == []


def test_study_visits_are_sorted_with_service_wide_ids() -> None:
    visits = [
        {"id": "B", "start": "2026-12-09T13:00:00+01:00", "durationMinutes": 60, "capacity": 4},
        {
            "id": "A",
            "start": "2026-12-08T10:00:00+01:00",
            "durationMinutes": 90,
            "capacity": 6,
            "address": {"street": "Annan gata 2", "postalCode": "21120", "city": "Malmö"},
        },
    ]
    doc = _document(studyVisits=visits)
    assert [v["visitId"] for v in doc["studyVisits"]] == ["A", "B"]
    assert doc["studyVisitIds"] == [f"{doc['id']}~A", f"{doc['id']}~B"]
    first = doc["studyVisits"][0]
    assert first["startTs"] == int(datetime(2026, 12, 8, 9, 0, tzinfo=UTC).timestamp())
    assert first["address"]["street"] == "Annan gata 2"
    assert doc["studyVisits"][1]["address"]["street"] == "Industrigatan 4"
    assert doc["studyVisitStarts"] == [v["startTs"] for v in doc["studyVisits"]]


def test_a_visits_own_closing_time_is_kept_and_absent_otherwise() -> None:
    visits = [{"id": "A", "start": "2026-12-08T10:00:00+01:00", "durationMinutes": 60,
               "capacity": 4, "registrationClosesHoursBefore": 0},
              {"id": "B", "start": "2026-12-09T10:00:00+01:00", "durationMinutes": 60,
               "capacity": 4}]
    own, default = _document(studyVisits=visits)["studyVisits"]
    assert own["registrationClosesHoursBefore"] == 0
    assert "registrationClosesHoursBefore" not in default


def test_mapping_is_pure() -> None:
    feed = make_feed([make_course("K1")])
    before = repr(feed)
    first = to_search_document(feed["provider"], feed["courses"][0], REFERENCE)
    second = to_search_document(feed["provider"], feed["courses"][0], REFERENCE)
    assert first == second
    assert repr(feed) == before
