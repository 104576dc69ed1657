"""Checking search input against the reference data and the limits (pure functions).

Every problem raises :class:`core.errors.InputError` naming the public argument path.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterator, Sequence
from typing import Protocol

from core.errors import InputError
from core.reference import Reference
from core.search.geography import find_municipality, nordic_places
from core.search.model import CourseFilter, GeoCircle, GeoPoint, Near, SearchRequest, SortOrder

MAX_QUERY_LENGTH = 200
MAX_VALUES_PER_FILTER = 300  # every municipality fits
MAX_RADIUS_KM = 2000.0
MAX_AGE = 150
MAX_DURATION_WEEKS = 1000

# A provider's national identifier as feeds give it: a Swedish organisation number, a Danish
# CVR number (8 digits), a Norwegian organisation number (9 digits).
ORGANISATION_NUMBER = re.compile(r"[0-9]{6}-[0-9]{4}|[0-9]{8,9}")
# An occupation as search documents hold it: SSYK 2012 (Sweden), DISCO-08 with its country
# (Denmark, four or six digits), STYRK-08 with its country (Norway).
OCCUPATION_CODE = re.compile(r"[0-9]{4}|DK-[0-9]{4}(?:[0-9]{2})?|NO-[0-9]{4}")
ISCO_CODE = re.compile(r"[0-9]{4}")
COUNTRIES = frozenset({"SE", "DK", "NO"})
LANGUAGE_CODE = re.compile(r"[a-z]{2}")
COURSE_ID = re.compile(r"[0-9]{8,10}-[A-Za-z0-9_-]{1,64}")  # the identifier's digits first


def validate_request(request: SearchRequest, reference: Reference, max_page_size: int
                     ) -> GeoCircle | None:
    """Check a whole search request; returns the resolved ``near`` circle, if any."""
    validate_query(request.query)
    validate_page_size(request.first, max_page_size)
    validate_filter(request.filter, reference)
    circle = resolve_near(request.near, reference) if request.near is not None else None
    if request.sort is SortOrder.DISTANCE and circle is None:
        raise InputError("sort", "sorting by DISTANCE needs the 'near' argument")
    return circle


def validate_query(query: str, argument: str = "query") -> None:
    if len(query) > MAX_QUERY_LENGTH:
        raise InputError(argument, f"at most {MAX_QUERY_LENGTH} characters")


def validate_page_size(first: int, max_page_size: int, argument: str = "first") -> None:
    if first < 0:
        raise InputError(argument, "must not be negative")
    if first > max_page_size:
        raise InputError(argument, f"at most {max_page_size} results per page")


class CodedFilter(Protocol):
    """The code lists the course search and the visit search share."""

    @property
    def regions(self) -> Sequence[str]: ...
    @property
    def municipalities(self) -> Sequence[str]: ...
    @property
    def occupation_fields(self) -> Sequence[str]: ...
    @property
    def occupations(self) -> Sequence[str]: ...
    @property
    def languages(self) -> Sequence[str]: ...
    @property
    def providers(self) -> Sequence[str]: ...


def validate_codes(f: CodedFilter, reference: Reference, prefix: str = "filter") -> None:
    """Places of every country the index holds must be known, the other codes well-formed,
    every list bounded."""
    nordic = nordic_places()
    _codes(f.regions, KnownCodes(reference.regions, nordic.regions), f"{prefix}.regions",
           "region code")
    _codes(f.municipalities, KnownCodes(reference.municipalities, nordic.municipalities),
           f"{prefix}.municipalities", "municipality code")
    _codes(f.occupation_fields, reference.occupation_fields.keys(),
           f"{prefix}.occupationFields", "occupation field")
    _pattern(f.occupations, OCCUPATION_CODE, f"{prefix}.occupations",
             "an occupation code: SSYK (four digits), DK-<DISCO-08> or NO-<STYRK-08>")
    _pattern(f.languages, LANGUAGE_CODE, f"{prefix}.languages",
             "an ISO 639-1 code of two lower-case letters")
    _pattern(f.providers, ORGANISATION_NUMBER, f"{prefix}.providers",
             "an organisation number NNNNNN-NNNN, a CVR number or a Norwegian organisation "
             "number")


def validate_filter(course_filter: CourseFilter, reference: Reference,
                    prefix: str = "filter") -> None:
    """Codes must be known or well-formed, ranges ordered, lists bounded."""
    f = course_filter
    validate_codes(f, reference, prefix)
    _codes(f.countries, COUNTRIES, f"{prefix}.countries", "country")
    _pattern(f.isco_codes, ISCO_CODE, f"{prefix}.iscoCodes",
             "an ISCO-08 unit group of four digits")
    for name, values in (("programmeTypes", f.programme_types), ("paces", f.paces),
                         ("schedules", f.schedules), ("deliveries", f.deliveries)):
        _bounded(values, f"{prefix}.{name}")
    if f.start_date is not None:
        start, end = f.start_date.start, f.start_date.end
        if start is not None and end is not None and start > end:
            raise InputError(f"{prefix}.startDate",
                             f"'from' ({start.isoformat()}) is after 'to' ({end.isoformat()})")
    if f.duration_weeks is not None:
        low, high = f.duration_weeks.minimum, f.duration_weeks.maximum
        for bound in (low, high):
            if bound is not None and not 1 <= bound <= MAX_DURATION_WEEKS:
                raise InputError(f"{prefix}.durationWeeks",
                                 f"weeks must be from 1 to {MAX_DURATION_WEEKS}")
        if low is not None and high is not None and low > high:
            raise InputError(f"{prefix}.durationWeeks", f"'min' ({low}) is above 'max' ({high})")
    if f.eligible_at_age is not None and not 0 <= f.eligible_at_age <= MAX_AGE:
        raise InputError(f"{prefix}.eligibleAtAge", f"must be from 0 to {MAX_AGE}")


def resolve_near(near: Near, reference: Reference, prefix: str = "near") -> GeoCircle:
    """The circle to search in: around the point, or around the municipality's centre."""
    if not math.isfinite(near.radius_km) or near.radius_km <= 0:
        raise InputError(f"{prefix}.radiusKm", "must be greater than 0")
    if near.radius_km > MAX_RADIUS_KM:
        raise InputError(f"{prefix}.radiusKm", f"at most {MAX_RADIUS_KM:g} km")
    if (near.point is None) == (near.municipality_code is None):
        raise InputError(prefix, "give exactly one of 'point' and 'municipalityCode'")
    if near.municipality_code is not None:
        municipality = find_municipality(reference, near.municipality_code)
        if municipality is None:
            raise InputError(f"{prefix}.municipalityCode",
                             f"{near.municipality_code!r} is not a municipality code (Swedish, "
                             "or Danish and Norwegian with their country: DK-0101, NO-0301)")
        return GeoCircle(GeoPoint(municipality.lat, municipality.lon), near.radius_km)
    assert near.point is not None
    point = near.point
    if not (math.isfinite(point.lat) and -90 <= point.lat <= 90):
        raise InputError(f"{prefix}.point.lat", "must be from -90 to 90")
    if not (math.isfinite(point.lon) and -180 <= point.lon <= 180):
        raise InputError(f"{prefix}.point.lon", "must be from -180 to 180")
    return GeoCircle(point, near.radius_km)


def validate_course_id(course_id: str, argument: str = "id") -> None:
    if COURSE_ID.fullmatch(course_id) is None:
        raise InputError(argument, "not a course id (organisation number digits, '-', course id)")


def validate_organisation_number(number: str, argument: str = "organisationNumber") -> None:
    if ORGANISATION_NUMBER.fullmatch(number) is None:
        raise InputError(argument, "not an organisation number NNNNNN-NNNN, a CVR number "
                                   "(8 digits) or a Norwegian organisation number (9 digits)")


class KnownCodes(Collection[str]):
    """The codes of two look-up tables as one collection (nothing copied)."""

    def __init__(self, first: Collection[str], second: Collection[str]) -> None:
        self.first, self.second = first, second

    def __contains__(self, code: object) -> bool:
        return code in self.first or code in self.second

    def __iter__(self) -> Iterator[str]:
        yield from self.first
        yield from self.second

    def __len__(self) -> int:
        return len(self.first) + len(self.second)


def _bounded(values: Sequence[object], argument: str) -> None:
    if len(values) > MAX_VALUES_PER_FILTER:
        raise InputError(argument, f"at most {MAX_VALUES_PER_FILTER} values")


def _codes(values: Sequence[str], known: Collection[str], argument: str, what: str) -> None:
    _bounded(values, argument)
    for value in values:
        if value not in known:
            raise InputError(argument, f"{value!r} is not a known {what}")


def _pattern(values: Sequence[str], pattern: re.Pattern[str], argument: str, what: str) -> None:
    _bounded(values, argument)
    for value in values:
        if pattern.fullmatch(value) is None:
            raise InputError(argument, f"{value!r} is not {what}")
