"""Names of search-document attributes and of the facets built on them.

Filter, sort and facet expressions take attribute names from :class:`Attribute` only;
nothing a client sends ever becomes an attribute name.
"""

from __future__ import annotations

from enum import Enum, StrEnum


class Attribute(StrEnum):
    """Document attributes used in filters, sorts and facets (see ``indexer/documents.py``)."""

    ID = "id"
    REGION_CODE = "regionCode"
    MUNICIPALITY_CODE = "municipalityCode"
    OCCUPATION_FIELD = "occupationField"
    OCCUPATION_CODE = "occupationCode"
    PROGRAMME_TYPE = "programmeType"
    PACE = "pace"
    SCHEDULE = "schedule"
    DELIVERY = "delivery"
    IS_DISTANCE = "isDistance"
    LANGUAGES = "languages"
    INTAKE = "intake"
    START_DATE = "startDate"
    DURATION_WEEKS = "durationWeeks"
    MINIMUM_AGE = "minimumAge"
    STUDY_VISIT_STARTS = "studyVisitStarts"
    PROVIDER_ORG_NUMBER = "providerOrgNumber"
    PROVIDER_NAME = "providerName"
    IS_FREE = "isFree"
    COUNTRY = "country"
    ISCO_CODE = "iscoCode"
    GEO = "_geo"


class Facet(Enum):
    """The facets a search can count and filter on."""

    # Members compare by identity, so they may hash by identity: a C-level hash instead of
    # Enum's Python-level one, for the hundreds of facet-keyed look-ups of each search.
    __hash__ = object.__hash__

    REGION = "region"
    MUNICIPALITY = "municipality"
    OCCUPATION_FIELD = "occupationField"
    OCCUPATION = "occupation"
    PROGRAMME_TYPE = "programmeType"
    PACE = "pace"
    SCHEDULE = "schedule"
    DELIVERY = "delivery"
    LANGUAGE = "language"
    PROVIDER = "provider"
    FREE_OF_CHARGE = "freeOfCharge"
    HAS_UPCOMING_STUDY_VISITS = "hasUpcomingStudyVisits"
    START_DATE = "startDate"
    DURATION_WEEKS = "durationWeeks"
    MINIMUM_AGE = "minimumAge"
    COUNTRY = "country"


# The document attribute each facet counts; the upcoming-visits facet depends on the
# time of the request and is counted with a filter instead (see core.search.facets).
FACET_ATTRIBUTES: dict[Facet, Attribute] = {
    Facet.REGION: Attribute.REGION_CODE,
    Facet.MUNICIPALITY: Attribute.MUNICIPALITY_CODE,
    Facet.OCCUPATION_FIELD: Attribute.OCCUPATION_FIELD,
    Facet.OCCUPATION: Attribute.OCCUPATION_CODE,
    Facet.PROGRAMME_TYPE: Attribute.PROGRAMME_TYPE,
    Facet.PACE: Attribute.PACE,
    Facet.SCHEDULE: Attribute.SCHEDULE,
    Facet.DELIVERY: Attribute.DELIVERY,
    Facet.LANGUAGE: Attribute.LANGUAGES,
    Facet.PROVIDER: Attribute.PROVIDER_ORG_NUMBER,
    Facet.FREE_OF_CHARGE: Attribute.IS_FREE,
    Facet.START_DATE: Attribute.START_DATE,
    Facet.DURATION_WEEKS: Attribute.DURATION_WEEKS,
    Facet.MINIMUM_AGE: Attribute.MINIMUM_AGE,
    Facet.COUNTRY: Attribute.COUNTRY,
}

NUMERIC_FACETS = frozenset({Facet.START_DATE, Facet.DURATION_WEEKS, Facet.MINIMUM_AGE})

# Facets whose values are too many and too fine to list; only their min/max is given.
RANGE_ONLY_FACETS = frozenset({Facet.START_DATE})

# Facets restricting where a course is; with "distance courses anywhere" they are
# OR-ed with ``isDistance = true`` as one group.
PLACE_FACETS = frozenset({Facet.REGION, Facet.MUNICIPALITY})
