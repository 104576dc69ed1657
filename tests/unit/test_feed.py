"""The feed contract: the committed examples, and the rules the JSON Schema cannot hold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.reference import load_reference
from indexer.feed import Feed, Rejection, feed_validator, read_feed, validate_feed
from tests.factories import make_course, make_feed, organisation_number

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "schema" / "examples"
REFERENCE = load_reference()
EXPECTED = json.loads((EXAMPLES_DIR / "expected-rejections.json").read_text(encoding="utf-8"))


def test_the_schema_itself_is_valid_and_versioned() -> None:
    schema = feed_validator().schema
    assert schema["$id"].endswith("/1.1.json")
    assert schema["properties"]["schemaVersion"]["pattern"] == "^1\\.[0-9]+$"


@pytest.mark.parametrize("path", sorted((EXAMPLES_DIR / "valid").glob("*.json")), ids=str)
def test_valid_examples_are_accepted_whole(path: Path) -> None:
    result = read_feed(path, REFERENCE)
    assert isinstance(result, Feed), result
    assert result.rejections == []
    assert result.courses


def test_every_invalid_example_has_an_expectation() -> None:
    files = sorted(p.name for p in (EXAMPLES_DIR / "invalid").glob("*.json"))
    assert files == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_example_fails_with_the_expected_message(name: str) -> None:
    result = read_feed(EXAMPLES_DIR / "invalid" / name, REFERENCE)
    rejections = [result] if isinstance(result, Rejection) else result.rejections
    assert len(rejections) == 1, rejections
    want, got = EXPECTED[name], rejections[0]
    assert (got.record_id, got.field) == (want["record_id"], want["field"])
    assert want["reason_contains"] in got.reason
    assert got.file.endswith(name)


def _rejections(*courses: dict[str, Any]) -> list[tuple[str, str, str]]:
    result = validate_feed(make_feed(list(courses)), "feed.json", REFERENCE)
    assert isinstance(result, Feed)
    return [(r.record_id, r.field, r.reason) for r in result.rejections]


def test_a_bad_course_is_skipped_and_the_good_ones_kept() -> None:
    result = validate_feed(
        make_feed([make_course("A"), make_course("B", places=0), make_course("C")]),
        "feed.json",
        REFERENCE,
    )
    assert isinstance(result, Feed)
    assert [c["id"] for c in result.courses] == ["A", "C"]
    assert [(r.record_id, r.field) for r in result.rejections] == [("B", "places")]


@pytest.mark.parametrize(
    ("override", "field", "reason"),
    [
        ({"intake": {"type": "continuous"}}, "intake.durationWeeks", "required property"),
        ({"intake": {"type": "fixed", "startDate": "2027-01-01"}}, "intake.endDate", "required"),
        ({"intake": {"type": "fixed", "startDate": "2027-02-30", "endDate": "2027-03-01"}},
         "intake.startDate", "is not a valid date"),
        ({"pace": {"type": "half"}}, "pace.type", "'half' is not one of"),
        ({"pace": {"type": "part_time", "percent": 100}}, "pace.percent", "maximum"),
        ({"schedule": []}, "schedule", "should be non-empty"),
        ({"languages": ["swe"]}, "languages.0", "does not match"),
        ({"eligibility": {"minimumAge": 12}}, "eligibility.minimumAge", "minimum"),
        ({"url": "ftp://x.example/a"}, "url", "does not match"),
        ({"contact": {"name": "A", "email": "a@b"}}, "contact.email", "not a valid email"),
        ({"contact": {"name": "A\nBcc: x@y", "email": "a@b.example"}}, "contact.name",
         "control characters"),
        ({"id": "has space"}, "id", "does not match"),
        # jsonschema's ``$`` takes a trailing newline; the compiled check rejects it.
        ({"id": "K1\n"}, "id", "does not match"),
        ({"contact": {"name": "A\n", "email": "a@b.example"}}, "contact.name",
         "control characters"),
        ({"unknownField": 1}, "(root)", "Additional properties"),
        ({"programmeType": "reinforced_work_training", "places": 41, "supervisors": 2},
         "supervisors", "3 for 41 places"),
        ({"programmeType": "reinforced_work_training", "places": 10},
         "supervisors", "1 for 10 places"),
    ],
)
def test_course_rules(override: dict[str, Any], field: str, reason: str) -> None:
    [(record_id, got_field, got_reason)] = _rejections(make_course("K1", **override))
    assert record_id == override.get("id", "K1")
    assert got_field == field
    assert reason in got_reason


def test_reinforced_work_training_with_enough_supervisors_passes() -> None:
    course = make_course(
        "K1", programmeType="reinforced_work_training", places=40, supervisors=2
    )
    assert _rejections(course) == []


def test_record_without_usable_id_is_named_by_position() -> None:
    course = make_course("K1")
    del course["id"]
    [(record_id, field, _)] = _rejections(make_course("K0"), course)
    assert (record_id, field) == ("courses[1]", "id")


def test_envelope_errors_reject_the_whole_file() -> None:
    feed = make_feed([make_course("K1")])
    del feed["provider"]["name"]
    result = validate_feed(feed, "feed.json", REFERENCE)
    assert isinstance(result, Rejection)
    assert (result.record_id, result.field) == ("(file)", "provider.name")
    valid = organisation_number("556677889")
    wrong_check = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    rejected = validate_feed(make_feed([make_course("K1")], org=wrong_check), "f", REFERENCE)
    assert isinstance(rejected, Rejection)
    assert (rejected.field, rejected.reason) == (
        "provider.organisationNumber",
        "check digit does not match",
    )
    assert isinstance(validate_feed([], "f", REFERENCE), Rejection)
