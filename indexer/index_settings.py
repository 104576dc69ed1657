"""The one declared place for the course index's Meilisearch settings."""

from __future__ import annotations

from typing import Any

import orjson

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
    "country",
    "iscoCode",
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

# Facet-value search (Meilisearch's facet-search route: "which municipalities match
# 'lu'") only for the facets whose value lists a page may search; on every other
# filterable attribute it would cost indexing time and serve nothing.
FACET_SEARCH_ATTRIBUTES = frozenset({"municipalityName", "providerName"})


def filterable(attributes: list[str]) -> list[str | dict[str, Any]]:
    """``filterableAttributes`` in Meilisearch's granular form: filters (equality and
    comparison) on every attribute, facet-value search only on those above. ``_geo``
    stays a plain name: Meilisearch's geo filters do not see it in a pattern."""
    names = [a for a in attributes if a != "_geo"]
    groups = ((True, sorted(a for a in names if a in FACET_SEARCH_ATTRIBUTES)),
              (False, sorted(a for a in names if a not in FACET_SEARCH_ATTRIBUTES)))
    return [
        *(["_geo"] if "_geo" in attributes else []),
        *({"attributePatterns": group,
           "features": {"facetSearch": facet_search,
                        "filter": {"equality": True, "comparison": True}}}
          for facet_search, group in groups if group),
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
        "filterableAttributes": filterable(FILTERABLE_ATTRIBUTES),
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


def _canonical(entries: list[Any]) -> list[str]:
    """A list setting's entries in an order-free form (attribute names or granular
    objects, whatever order Meilisearch returns their keys in)."""
    return sorted(orjson.dumps(entry, option=orjson.OPT_SORT_KEYS).decode() for entry in entries)


def settings_differ(current: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    """Names of the settings whose current value is not the wanted one."""
    differing = []
    for name, value in wanted.items():
        have = current.get(name)
        if name in ("filterableAttributes", "sortableAttributes") and isinstance(have, list):
            have, value = _canonical(have), _canonical(value)
        if have != value:
            differing.append(name)
    return differing
