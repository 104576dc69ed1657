"""Reading and validating provider feeds against the feed contract.

A feed whose envelope (schema version, provider) is broken is rejected whole: without a
valid provider nothing can be attributed. Inside a valid envelope each course is checked
on its own; a bad course is reported and skipped, the good ones go on.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema_rs
import orjson
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from core.feeds.organisations import CHECK_FAILED, organisation_id_is_valid
from core.feeds.organisations import organisation_number_is_valid as organisation_number_is_valid
from core.nordic_reference import Country, load_nordic_reference
from core.reference import Reference
from core.visits.validation import normalise_email
from indexer.country_rules import check_country_rules, provider_country

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "course-feed.schema.json"


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why one record (or a whole file) was not indexed."""

    file: str
    record_id: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: record {self.record_id}: {self.field}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed whose envelope is valid, with its accepted courses and rejections."""

    file: str
    provider: dict[str, Any]
    courses: list[dict[str, Any]]
    rejections: list[Rejection]


def _check_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    date.fromisoformat(value)
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None


def _check_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parsed = datetime.fromisoformat(value)
    return parsed.tzinfo is not None and "T" in value


def _check_email(value: object) -> bool:
    if not isinstance(value, str):
        return True
    # The rule registrations use: contact addresses are where the provider emails go.
    return value == value.strip() and normalise_email(value) is not None


_WHITESPACE = re.compile(r"\s")


def _check_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    # One C-level scan instead of a generator over every character (``\s`` is
    # ``str.isspace``): this check ran for every course of every load.
    return bool(parts.scheme and parts.netloc) and _WHITESPACE.search(value) is None


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checks("date", raises=ValueError)(_check_date)
    checker.checks("date-time", raises=ValueError)(_check_datetime)
    checker.checks("email")(_check_email)
    checker.checks("uri")(_check_uri)
    return checker


@cache
def feed_validator() -> Draft202012Validator:
    """The contract's validator, with real format checks for dates, e-mail and URLs."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=_format_checker())


@cache
def _course_validator() -> Draft202012Validator:
    outer = feed_validator().schema
    schema = {"$defs": outer["$defs"], "$ref": "#/$defs/course"}
    return Draft202012Validator(schema, format_checker=_format_checker())


@cache
def _fast_course_validator() -> jsonschema_rs.Validator:
    """The course schema compiled by jsonschema-rs (Rust), with the same format checks.

    Only a course it rejects is run through jsonschema, for the precise explanation. On
    20,000 generated courses: 0.5-0.8 CPU seconds against 1.8-2.2 for fastjsonschema,
    which this replaced (jsonschema takes about ten times as long as fastjsonschema). Like
    fastjsonschema, and unlike jsonschema, its patterns' ``$`` does not accept a trailing
    newline (an id ending in one would break the whole batch it is posted in).
    """
    outer = feed_validator().schema
    schema = {"$defs": outer["$defs"], "$ref": "#/$defs/course"}

    def lenient(check: Any) -> Any:
        def run(value: object) -> bool:
            try:
                return bool(check(value))
            except ValueError:
                return False

        return run

    formats = {
        "date": lenient(_check_date),
        "date-time": lenient(_check_datetime),
        "email": _check_email,
        "uri": _check_uri,
    }
    return jsonschema_rs.validator_for(schema, formats=formats, validate_formats=True)


def _field_path(error: ValidationError, prefix: str = "") -> str:
    parts = [str(p) for p in error.absolute_path]
    path = ".".join(parts)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = re.search(r"'([^']+)' is a required property", error.message)
        if missing:
            path = f"{path}.{missing.group(1)}" if path else missing.group(1)
    if prefix:
        return f"{prefix}.{path}" if path else prefix
    return path or "(root)"


def _best_error(errors: Iterable[ValidationError]) -> ValidationError | None:
    ordered = sorted(errors, key=lambda e: (list(e.absolute_path), e.validator != "required"))
    if not ordered:
        return None
    first = ordered[0]
    while first.context:
        if _is_one_of_required(first):
            return first
        first = _explain_one_of(first)
    return first


def _is_one_of_required(error: ValidationError) -> bool:
    """An ``anyOf`` of ``required`` alternatives: one of several properties is needed."""
    return error.validator == "anyOf" and all(
        sub.validator == "required" for sub in error.context or ()
    )


def _explain_one_of(error: ValidationError) -> ValidationError:
    """For a ``oneOf`` of tagged objects, explain with the branch whose ``type`` matched.

    When no branch's tag matched, the tag itself is what is wrong.
    """
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or ():
        branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    for errors in branches.values():
        if not any(e.validator == "const" for e in errors):
            best = _best_error(errors)
            if best is not None:
                return best
    tags = [e for errors in branches.values() for e in errors if e.validator == "const"]
    if tags:
        tags[0].message = (
            f"{tags[0].instance!r} is not one of "
            f"{sorted(str(t.validator_value) for t in tags)}"
        )
        tags[0].context = []
        return tags[0]
    return min(error.context or [error], key=lambda e: -len(e.absolute_path))


def _reason(error: ValidationError) -> str:
    if _is_one_of_required(error):
        names = [repr(branch["required"][0]) for branch in error.validator_value]
        return f"needs one of {', '.join(names)}"
    if error.validator == "pattern" and "u0000" in str(error.validator_value):
        return "contains control characters"
    if error.validator == "format" and error.validator_value == "date-time":
        return (
            f"{error.instance!r} is not a valid date-time with offset "
            "(RFC 3339, e.g. 2026-12-08T10:00:00+01:00)"
        )
    if error.validator == "format":
        return f"{error.instance!r} is not a valid {error.validator_value}"
    if list(error.absolute_path) == ["schemaVersion"]:
        return f"unsupported schema version {error.instance!r}; this indexer reads 1.x"
    return str(error.message)


def check_course_rules(
    course: dict[str, Any], reference: Reference, country: Country = Country.SE
) -> tuple[str, str] | None:
    """Rules the JSON Schema cannot express; returns (field, reason) for the first broken."""
    broken = check_country_rules(course, country, reference, load_nordic_reference())
    if broken is not None:
        return broken
    if course["occupationField"] not in reference.occupation_fields:
        return "occupationField", f"{course['occupationField']!r} is not a known occupation field"
    intake = course["intake"]
    if intake["type"] == "fixed" and intake["endDate"] < intake["startDate"]:
        return "intake.endDate", "is before intake.startDate"
    if course["programmeType"] == "reinforced_work_training":
        needed = math.ceil(course["places"] / 20)
        if course.get("supervisors", 0) < needed:
            return (
                "supervisors",
                f"reinforced work training needs at least one supervisor per 20 places "
                f"({needed} for {course['places']} places)",
            )
    seen: set[str] = set()
    for index, visit in enumerate(course["studyVisits"]):
        if visit["id"] in seen:
            return f"studyVisits.{index}.id", f"duplicate study visit id {visit['id']!r}"
        seen.add(visit["id"])
    return None


def validate_feed(document: Any, file: str, reference: Reference) -> Feed | Rejection:
    """Validate a parsed feed: the envelope as a whole, then each course on its own."""
    if not isinstance(document, dict):
        return Rejection(file, "(file)", "(root)", "a feed must be a JSON object")
    envelope = {**document, "courses": []}
    error = _best_error(feed_validator().iter_errors(envelope))
    if error is not None:
        return Rejection(file, "(file)", _field_path(error), _reason(error))
    if not isinstance(document["courses"], list):
        return Rejection(file, "(file)", "courses", "must be an array")
    provider = document["provider"]
    country = provider_country(provider)
    if not organisation_id_is_valid(country, provider["organisationNumber"]):
        return Rejection(file, "(file)", "provider.organisationNumber", CHECK_FAILED[country])
    accepted: list[dict[str, Any]] = []
    rejections: list[Rejection] = []
    seen_ids: set[str] = set()
    for index, course in enumerate(document["courses"]):
        record_id = _record_id(course, index)
        rejection = _check_course(course, reference, country)
        if rejection is None and course["id"] in seen_ids:
            rejection = ("id", f"duplicate course id {course['id']!r}")
        if rejection is not None:
            rejections.append(Rejection(file, record_id, rejection[0], rejection[1]))
            continue
        seen_ids.add(course["id"])
        accepted.append(course)
    return Feed(file, provider, accepted, rejections)


def _record_id(course: Any, index: int) -> str:
    if isinstance(course, dict) and isinstance(course.get("id"), str) and course["id"]:
        return str(course["id"][:64])
    return f"courses[{index}]"


def _check_course(course: Any, reference: Reference, country: Country) -> tuple[str, str] | None:
    fast = _fast_course_validator()
    if not fast.is_valid(course):
        error = _best_error(_course_validator().iter_errors(course))
        if error is not None:
            return _field_path(error), _reason(error)
        # Only the compiled check's stricter patterns (see above) get here.
        fast_error = next(fast.iter_errors(course))
        path = ".".join(str(p) for p in fast_error.instance_path) or "(root)"
        kind = fast_error.kind
        if isinstance(kind, jsonschema_rs.ValidationErrorKind.Pattern) and "u0000" in kind.pattern:
            return path, "contains control characters"
        return path, fast_error.message
    return check_course_rules(course, reference, country)


def parse_feed(data: bytes, file: str, reference: Reference) -> Feed | Rejection:
    """Parse a feed's bytes and validate it (the CLI's files and the feed API's uploads).

    orjson, not the standard library: the parse is one C call holding the GIL, and
    orjson's is the shorter (about two thirds on a 7 MiB feed), which matters to the feed
    API validating beside its event loop (``bench/feed_validation.py``). A leading UTF-8
    BOM is allowed, as the standard library allows it.
    """
    try:
        document = orjson.loads(data.removeprefix(codecs.BOM_UTF8))
    except orjson.JSONDecodeError as exc:
        return Rejection(file, "(file)", "(file)", f"is not valid JSON: {exc}")
    return validate_feed(document, file, reference)


def read_feed(path: Path, reference: Reference) -> Feed | Rejection:
    """Read one feed file from disk and validate it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Rejection(str(path), "(file)", "(file)", f"cannot be read: {exc}")
    return parse_feed(data, str(path), reference)


def iter_feed_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Expand directories into the feed files (``*.json``) they hold, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.glob("*.json") if p.is_file())
        else:
            yield path
