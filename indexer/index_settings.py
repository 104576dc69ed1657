"""The one declared place for the course index's Meilisearch settings."""

from __future__ import annotations

from typing import Any

from core.reference import Reference

# In order of importance (the "attribute" ranking rule): what a course is (title,
# occupation) before what it says about itself, and the place and the provider last, so
# that "Lund" finds courses held in Lund before providers named Lundqvist (chosen with
# bench/relevance.py; see the README's "Search relevance").
SEARCHABLE_ATTRIBUTES = [
    "title",
    "occupationName",
    "occupationNameEn",
    "occupationNames",
    "occupationKeywords",
    "titleEn",
    "certificate",
    "description",
    "descriptionEn",
    "municipalityName",
    "regionName",
    "providerName",
]

# Words that carry no meaning in a search for a course ("jobba med barn", "become a
# welder"): ignored in queries and documents, so they neither match every description
# nor keep a search from dropping them.
STOP_WORDS = sorted([
    "i", "med", "och", "för", "på", "till", "som", "inom", "av", "en", "ett", "att",
    "jobba", "bli", "vill", "the", "a", "an", "to", "of", "in", "with", "for", "and",
    "become",
])

FILTERABLE_ATTRIBUTES = [
    "id",
    "loadId",
    "regionCode",
    "municipalityCode",
    "municipalityName",
    "occupationField",
    "occupationCode",
    "programmeType",
    "pace",
    "schedule",
    "delivery",
    "isDistance",
    "languages",
    "intake",
    "startDate",
    "durationWeeks",
    "minimumAge",
    "studyVisitIds",
    "studyVisitStarts",
    "providerOrgNumber",
    "providerName",
    "isFree",
    "_geo",
]

SORTABLE_ATTRIBUTES = ["startDate", "durationWeeks", "title", "_geo"]

# "sort" right after "words": a chosen order (start date, length, distance) is kept among
# the courses that match every word of the query, instead of only breaking relevance ties.
RANKING_RULES = ["words", "sort", "typo", "proximity", "attribute", "exactness"]

MAX_VALUES_PER_FACET = 300  # every one of the 290 municipalities fits
MAX_TOTAL_HITS = 150_000



# Typos as a jobseeker makes them, for the course search and the visit search alike.
TYPO_TOLERANCE = {
    "enabled": True,
    "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9},
    "disableOnWords": [],
    "disableOnAttributes": [],
    "disableOnNumbers": True,
}

def occupation_synonyms(reference: Reference) -> dict[str, list[str]]:
    """Two-way synonyms between everyday Swedish and English job titles of an occupation."""
    synonyms: dict[str, set[str]] = {}
    for occupation in reference.occupations.values():
        group = {
            term.lower()
            for term in (*occupation.synonyms_sv, *occupation.synonyms_en)
            if term.strip()
        }
        for term in group:
            synonyms.setdefault(term, set()).update(group - {term})
    return {term: sorted(others) for term, others in sorted(synonyms.items()) if others}


def index_settings(reference: Reference) -> dict[str, Any]:
    """The complete settings of the course index, as Meilisearch returns them."""
    return {
        "searchableAttributes": SEARCHABLE_ATTRIBUTES,
        "filterableAttributes": sorted(FILTERABLE_ATTRIBUTES),
        "sortableAttributes": sorted(SORTABLE_ATTRIBUTES),
        "rankingRules": RANKING_RULES,
        "displayedAttributes": ["*"],
        "distinctAttribute": None,
        "stopWords": STOP_WORDS,
        "synonyms": occupation_synonyms(reference),
        "typoTolerance": TYPO_TOLERANCE,
        "faceting": {
            "maxValuesPerFacet": MAX_VALUES_PER_FACET,
            "sortFacetValuesBy": {"*": "count"},
        },
        "pagination": {"maxTotalHits": MAX_TOTAL_HITS},
        "proximityPrecision": "byAttribute",
    }


def settings_differ(current: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    """Names of the settings whose current value is not the wanted one."""
    differing = []
    for name, value in wanted.items():
        have = current.get(name)
        if name in ("filterableAttributes", "sortableAttributes") and isinstance(have, list):
            have = sorted(str(v) for v in have)
        if have != value:
            differing.append(name)
    return differing
