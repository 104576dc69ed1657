"""What a query selects: which computations it needs and which document attributes to fetch.

Meilisearch returns a hit's highlighted copy with every retrieved attribute, so fetching
only what the selected ``Course`` fields need keeps responses small. Named fragments are
followed like inline ones (a spread is not a field of the fragment's name), and what
``@skip``/``@include`` leave out is not selected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from strawberry.types.nodes import SelectedField, Selection

# The attributes of each sub-field of the Course fields whose sub-fields need different ones.
SUBFIELD_ATTRIBUTES: dict[str, dict[str, tuple[str, ...]]] = {
    "occupation": {"code": ("occupationCode",), "name": ("occupationName",),
                   "nameEn": ("occupationNameEn",)},
    "location": {
        # Known codes come from the reference data; for a code it no longer knows, the
        # document's own name, region and centre stand in.
        "municipality": ("municipalityCode", "municipalityName", "regionCode", "_geo"),
        "region": ("regionCode", "regionName"),
        "address": ("address",),
        "coordinates": ("_geo",),
        "coordinatesApproximate": ("coordinatesFromMunicipality",),
    },
    "intake": {"type": ("intake",), "startDate": ("startDate",), "endDate": ("endDate",),
               "durationWeeks": ("durationWeeks",)},
    "pace": {"type": ("pace",), "percent": ("pacePercent",)},
    "eligibility": {"minimumAge": ("minimumAge",), "requirements": ("requirements",),
                    "requirementsEn": ("requirementsEn",)},
    "provider": {"organisationNumber": ("providerOrgNumber",), "name": ("providerName",)},
}


def _all(parts: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a for names in parts.values() for a in names))


# The search-document attributes each field of the GraphQL Course type is built from.
COURSE_FIELD_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "providerCourseId": ("courseId",),
    "title": ("title",),
    "titleEn": ("titleEn",),
    "description": ("description",),
    "descriptionEn": ("descriptionEn",),
    "occupationField": ("occupationField",),
    "programmeType": ("programmeType",),
    "schedule": ("schedule",),
    "delivery": ("delivery",),
    "isDistance": ("isDistance",),
    "languages": ("languages",),
    "certificate": ("certificate",),
    "participationFee": ("feeAmount", "feeCurrency", "feeNote"),  # one record: all or none
    "feeForEducationLevel": ("danishFee",),
    "country": ("country",),
    "freeOfCharge": ("isFree",),
    "places": ("places",),
    "supervisors": ("supervisors",),
    "contact": ("contact",),
    "url": ("url",),
    "studyVisits": ("studyVisits",),
    **{name: _all(parts) for name, parts in SUBFIELD_ATTRIBUTES.items()},
}

# The names of the fields selected at a path below some field, fragments followed.
NamesAt = Callable[[Sequence[str]], Iterable[str]]


def included(directives: Mapping[str, Mapping[str, object]]) -> bool:
    """Whether ``@skip``/``@include`` with these arguments (strawberry's ``directives`` of a
    selection, variables replaced by their values) keep a selection."""
    return directives.get("skip", {}).get("if") is not True \
        and directives.get("include", {}).get("if") is not False


def selected_names(selections: Iterable[Selection], path: Sequence[str] = ()) -> set[str]:
    """The names of the fields selected at ``path`` (through fragments too)."""
    names: set[str] = set()
    for selection in selections:
        if not included(selection.directives):
            continue
        if not isinstance(selection, SelectedField):
            names |= selected_names(selection.selections, path)
            continue
        name = selection.name
        if not path:
            names.add(name)
        elif name == path[0]:
            names |= selected_names(selection.selections, path[1:])
    return names


def course_attributes(fields: Iterable[str],
                      subfields: Mapping[str, Iterable[str]] | None = None) -> frozenset[str]:
    """The document attributes needed for these Course fields (``__typename`` needs none);
    a field given in ``subfields`` with its selected sub-fields needs only theirs."""
    wanted: set[str] = set()
    for name in fields:
        parts = SUBFIELD_ATTRIBUTES.get(name)
        if parts is not None and subfields is not None and name in subfields:
            wanted.update(a for sub in subfields[name] for a in parts.get(sub, ()))
        else:
            wanted.update(COURSE_FIELD_ATTRIBUTES.get(name, ()))
    return frozenset(wanted)


def selected_course_attributes(names_at: NamesAt) -> frozenset[str]:
    """The attributes a Course selection needs; ``names_at`` reads it (path from the Course)."""
    fields = set(names_at(()))
    return course_attributes(fields, {
        name: list(names_at((name,))) for name in fields if name in SUBFIELD_ATTRIBUTES})
