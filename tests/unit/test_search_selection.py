"""Fetching only the selected fields' attributes gives those fields their full values."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from graphql import get_named_type

from api.graphql_app import build_schema
from api.search.course import Course
from api.search.enums import EducationLevel
from api.search.selection import (
    COURSE_FIELD_ATTRIBUTES,
    SUBFIELD_ATTRIBUTES,
    course_attributes,
    included,
    selected_course_attributes,
)
from core.reference import load_reference
from core.search.documents import RETRIEVED_ATTRIBUTES, course_from_document, retrieval_list
from indexer.documents import to_search_document
from tests.factories import make_course, organisation_number

REFERENCE = load_reference()
EXAMPLES = Path(__file__).resolve().parents[2] / "schema" / "examples" / "valid"


def _full_document() -> dict[str, Any]:
    provider = {"organisationNumber": organisation_number("556677889"), "name": "Svets AB",
                "contact": {"name": "A", "email": "a@b.example"}}
    course = make_course(
        "K1",
        pace={"type": "part_time", "percent": 75},
        participationFee={"amount": 300, "currency": "SEK", "note": "Skyddsutrustning"},
        eligibility={"minimumAge": 20, "requirements": {"sv": "Körkort B", "en": "Licence B"}},
        certificate="Svetscertifikat",
        supervisors=2,
        schedule=["evening", "weekend"],
        delivery="blended",
        languages=["sv", "ar"],
        contact={"name": "Karin", "email": "karin@example.se", "phone": "+46 40 123 45"},
        location={"municipalityCode": "1281", "coordinates": {"lat": 55.7, "lon": 13.19},
                  "address": {"street": "Gatan 2", "postalCode": "222 22", "city": "Lund"}},
    )
    document = to_search_document(provider, course, REFERENCE)
    return {name: document[name] for name in RETRIEVED_ATTRIBUTES if name in document}


def _danish_document() -> dict[str, Any]:
    feed = json.loads((EXAMPLES / "denmark-amu.json").read_text(encoding="utf-8"))
    return to_search_document(feed["provider"], feed["courses"][0], REFERENCE)


def test_every_course_field_has_its_attributes() -> None:
    schema = build_schema(development=False)._schema
    course_type = schema.type_map["Course"]
    assert set(course_type.fields) == set(COURSE_FIELD_ATTRIBUTES)  # type: ignore[attr-defined]
    assert set(RETRIEVED_ATTRIBUTES) == {a for names in COURSE_FIELD_ATTRIBUTES.values()
                                         for a in names}


_PYTHON_NAME = {"providerCourseId": "provider_course_id", "titleEn": "title_en",
                "descriptionEn": "description_en", "occupationField": "occupation_field",
                "programmeType": "programme_type", "isDistance": "is_distance",
                "participationFee": "participation_fee", "freeOfCharge": "free_of_charge"}


@pytest.mark.parametrize("field", sorted(COURSE_FIELD_ATTRIBUTES))
def test_a_field_from_its_attributes_alone_equals_the_field_from_the_full_document(
    field: str,
) -> None:
    full = _full_document()
    wanted = retrieval_list(course_attributes([field]))
    partial = {name: full[name] for name in wanted if name in full}
    whole = Course.build(course_from_document(full), REFERENCE)
    part = Course.build(course_from_document(partial), REFERENCE)
    if field == "studyVisits":
        assert part.record.visits == whole.record.visits and whole.record.visits
        return
    if field == "feeForEducationLevel":
        danish = _danish_document()
        wanted_danish = retrieval_list(course_attributes([field]))
        alone = Course.build(course_from_document(
            {name: danish[name] for name in wanted_danish}), REFERENCE)
        everything = Course.build(course_from_document(danish), REFERENCE)
        for level in EducationLevel:
            assert (alone.fee_for_education_level(level)
                    == everything.fee_for_education_level(level))
        assert everything.fee_for_education_level(EducationLevel.HIGHER) is not None
        return
    name = _PYTHON_NAME.get(field, field)
    assert getattr(part, name) == getattr(whole, name)


def test_retrieval_list() -> None:
    assert retrieval_list(None) == list(RETRIEVED_ATTRIBUTES)
    assert retrieval_list(frozenset({"title"})) == ["id", "title"]
    assert retrieval_list(course_attributes(["__typename"])) == ["id"]
    with pytest.raises(ValueError):
        retrieval_list(frozenset({"loadId"}))


def _snake(name: str) -> str:
    return re.sub(r"([A-Z])", r"_\1", name).lower()


def test_every_sub_field_of_a_split_field_has_its_attributes() -> None:
    schema = build_schema(development=False)._schema
    course_type = schema.type_map["Course"]
    for field, parts in SUBFIELD_ATTRIBUTES.items():
        inner = get_named_type(course_type.fields[field].type)  # type: ignore[attr-defined]
        assert set(inner.fields) == set(parts), field


@pytest.mark.parametrize("municipality_code", ["1281", "9999"])  # known, and not (any more)
@pytest.mark.parametrize(("field", "sub"), sorted(
    (field, sub) for field, parts in SUBFIELD_ATTRIBUTES.items() for sub in parts))
def test_a_sub_field_from_its_attributes_alone_equals_the_sub_field_from_the_full_document(
    field: str, sub: str, municipality_code: str,
) -> None:
    full = _full_document() | {"municipalityCode": municipality_code}
    wanted = retrieval_list(course_attributes([field], {field: [sub]}))
    partial = {name: full[name] for name in wanted if name in full}
    whole = Course.build(course_from_document(full), REFERENCE)
    part = Course.build(course_from_document(partial), REFERENCE)
    name = _PYTHON_NAME.get(field, field)
    assert getattr(getattr(part, name), _snake(sub)) == getattr(getattr(whole, name), _snake(sub))


def test_selected_course_attributes_follow_sub_selections() -> None:
    selected = {(): ["id", "location", "intake", "contact"], ("location",): ["municipality"],
                ("intake",): ["startDate"], ("contact",): ["email"]}
    assert retrieval_list(selected_course_attributes(lambda path: selected[tuple(path)])) == [
        "id", "municipalityCode", "municipalityName", "regionCode", "_geo", "startDate",
        "contact"]


@pytest.mark.parametrize(("directives", "kept"), [
    ({}, True),
    ({"skip": {"if": False}}, True), ({"skip": {"if": True}}, False),
    ({"include": {"if": True}}, True), ({"include": {"if": False}}, False),
    ({"skip": {"if": True}, "include": {"if": True}}, False),
    ({"skip": {"if": False}, "include": {"if": False}}, False),
    ({"deprecated": {}}, True),
])
def test_skip_and_include_decide_what_is_selected(
        directives: dict[str, dict[str, object]], kept: bool) -> None:
    assert included(directives) is kept
