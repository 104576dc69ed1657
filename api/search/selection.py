"""What a query selects: which computations it needs and which document attributes to fetch.

Meilisearch returns a hit's highlighted copy with every retrieved attribute, so fetching
only what the selected ``Course`` fields need keeps responses small. Named fragments are
followed like inline ones (a spread is not a field of the fragment's name).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from strawberry.types.nodes import SelectedField, Selection

# The search-document attributes each field of the GraphQL Course type is built from.
COURSE_FIELD_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "providerCourseId": ("courseId",),
    "title": ("title",),
    "titleEn": ("titleEn",),
    "description": ("description",),
    "descriptionEn": ("descriptionEn",),
    "occupation": ("occupationCode", "occupationName", "occupationNameEn"),
    "occupationField": ("occupationField",),
    "programmeType": ("programmeType",),
    "location": ("municipalityCode", "municipalityName", "regionCode", "regionName", "address",
                 "_geo", "coordinatesFromMunicipality"),
    "intake": ("intake", "startDate", "endDate", "durationWeeks"),
    "pace": ("pace", "pacePercent"),
    "schedule": ("schedule",),
    "delivery": ("delivery",),
    "isDistance": ("isDistance",),
    "languages": ("languages",),
    "eligibility": ("minimumAge", "requirements", "requirementsEn"),
    "certificate": ("certificate",),
    "participationFee": ("feeAmount", "feeCurrency", "feeNote"),
    "freeOfCharge": ("isFree",),
    "places": ("places",),
    "supervisors": ("supervisors",),
    "contact": ("contact",),
    "url": ("url",),
    "provider": ("providerOrgNumber", "providerName"),
    "studyVisits": ("studyVisits",),
}


def selects(selections: Iterable[Selection], path: Sequence[str]) -> bool:
    """Whether the selection set asks for the field at ``path`` (through fragments too)."""
    for selection in selections:
        if not isinstance(selection, SelectedField):  # a fragment (named or inline): look inside
            if selects(selection.selections, path):
                return True
        elif selection.name == path[0] and (
                len(path) == 1 or selects(selection.selections, path[1:])):
            return True
    return False


def selected_names(selections: Iterable[Selection], path: Sequence[str] = ()) -> set[str]:
    """The names of the fields selected at ``path`` (through fragments too)."""
    names: set[str] = set()
    for selection in selections:
        if not isinstance(selection, SelectedField):
            names |= selected_names(selection.selections, path)
            continue
        name = selection.name
        if not path:
            names.add(name)
        elif name == path[0]:
            names |= selected_names(selection.selections, path[1:])
    return names


def course_attributes(fields: Iterable[str]) -> frozenset[str]:
    """The document attributes needed for these Course fields (``__typename`` needs none)."""
    return frozenset(a for f in fields for a in COURSE_FIELD_ATTRIBUTES.get(f, ()))
