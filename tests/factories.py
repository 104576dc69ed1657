"""Small valid feeds built in code, for tests that need exact control over the data."""

from __future__ import annotations

import copy
from typing import Any

from core.reference import load_reference


def organisation_number(first_nine: str) -> str:
    """A Swedish organisation number with the Luhn check digit appended."""
    total = 0
    for index, char in enumerate(first_nine):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    check = (10 - total % 10) % 10
    digits = f"{first_nine}{check}"
    return f"{digits[:6]}-{digits[6:]}"


def make_course(course_id: str, **overrides: Any) -> dict[str, Any]:
    reference = load_reference()
    field = sorted(reference.occupation_fields)[0]
    course: dict[str, Any] = {
        "id": course_id,
        "title": {"sv": f"Svetsare MIG/MAG {course_id}", "en": f"MIG/MAG welder {course_id}"},
        "description": {"sv": "Grundläggande svetsutbildning med certifiering."},
        "occupation": {"ssyk": "7212", "name": "Svetsare och gasskärare"},
        "occupationField": field,
        "programmeType": "labour_market_training",
        "location": {
            "municipalityCode": "1280",
            "address": {"street": "Industrigatan 4", "postalCode": "212 14", "city": "Malmö"},
        },
        "intake": {"type": "fixed", "startDate": "2027-01-11", "endDate": "2027-04-30"},
        "pace": {"type": "full_time"},
        "schedule": ["daytime"],
        "delivery": "on_site",
        "languages": ["sv"],
        "eligibility": {"minimumAge": 18},
        "places": 12,
        "contact": {"name": "Karin Lindqvist", "email": "karin@utbildning.example"},
        "studyVisits": [
            {
                "id": "SB1",
                "start": "2026-12-08T10:00:00+01:00",
                "durationMinutes": 90,
                "capacity": 6,
            }
        ],
        "url": f"https://utbildning.example/kurser/{course_id}",
    }
    course.update(copy.deepcopy(overrides))
    return course


def make_feed(
    courses: list[dict[str, Any]], org: str | None = None, name: str = "Öresunds Yrkesutbildning AB"
) -> dict[str, Any]:
    return {
        "schemaVersion": "1.0",
        "provider": {
            "organisationNumber": org or organisation_number("556677889"),
            "name": name,
            "contact": {"name": "Per Holm", "email": "info@utbildning.example"},
        },
        "courses": courses,
    }
