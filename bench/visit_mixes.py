"""The visit finder's mix for ``bench/search_load.py``: distinct ``searchStudyVisits``
requests and, for each, the multi-search body the API sends the visit index for it (built by
the service's own planning code).

The API does more per request than that one multi-search: it reads the page's seats from
Redis and fetches the page's courses from the course index (a second Meilisearch request),
so the comparison shows what the whole visit finder costs over its main search.
"""

from __future__ import annotations

import json
import random
from typing import Any

from search_mixes import PAGE_SIZE, search_terms

from core.reference import load_reference
from core.search.meili import multi_search_body
from core.search.model import Near
from core.visitsearch.model import (
    TIMES_OF_DAY,
    VisitFacet,
    VisitFilter,
    VisitSearchRequest,
    VisitSort,
    visit_index_uid,
)
from core.visitsearch.service import VisitSearchService

VISIT_MIX = "visits"
FACETS = ["REGION", "WEEKDAY", "TIME_OF_DAY", "OCCUPATION_FIELD"]
QUERY = f"""query Visits($query: String!, $filter: StudyVisitSearchFilterInput,
    $near: NearInput, $sort: StudyVisitSort!, $facets: [StudyVisitFacetAttribute!]) {{
  searchStudyVisits(query: $query, filter: $filter, near: $near, sort: $sort,
                    first: {PAGE_SIZE}, facets: $facets) {{
    totalCount pageInfo {{ hasNextPage endCursor }}
    facets {{ attribute values {{ value label count selected }} }}
    edges {{ distanceKm weekday timeOfDay node {{ id start seatsLeft }}
             course {{ id title provider {{ name }} location {{ municipality {{ name }} }} }} }}
  }}
}}"""


def _case(rng: random.Random, terms: list[str], regions: list[str], municipalities: list[str]
          ) -> tuple[dict[str, Any], VisitSearchRequest]:
    query = rng.choice(terms) if rng.random() < 0.6 else ""
    selections: dict[str, Any] = {}
    core: dict[str, Any] = {}
    if rng.random() < 0.6:
        chosen = rng.sample(regions, rng.randint(1, 2))
        selections["regions"], core["regions"] = chosen, tuple(chosen)
    if rng.random() < 0.4:
        days = sorted(rng.sample(range(1, 6), rng.randint(1, 3)))
        selections["weekdays"], core["weekdays"] = days, tuple(days)
    if rng.random() < 0.4:
        time_of_day = rng.choice(TIMES_OF_DAY)
        selections["timesOfDay"] = [time_of_day.upper()]
        core["times_of_day"] = (time_of_day,)
    if rng.random() < 0.3:
        selections["onlyWithSeatsLeft"] = core["only_with_seats_left"] = True
    near = None
    sort = VisitSort.START_TIME
    if rng.random() < 0.3:
        code = rng.choice(municipalities)
        radius = float(rng.randint(10, 100))
        near = {"municipalityCode": code, "radiusKm": radius}
        sort = rng.choice([VisitSort.START_TIME, VisitSort.DISTANCE])
    variables = {"query": query, "filter": selections or None, "near": near,
                 "sort": sort.name, "facets": FACETS}
    request = VisitSearchRequest(
        query=query, filter=VisitFilter(**core),
        near=None if near is None else Near(near["radiusKm"],
                                            municipality_code=near["municipalityCode"]),
        sort=sort, first=PAGE_SIZE, facets=tuple(VisitFacet[f] for f in FACETS))
    return variables, request


def visit_bodies(count: int, seed: int, index_uid: str, offset: int = 0
                 ) -> tuple[list[bytes], list[bytes]]:
    """``count`` distinct API bodies and the visit-index multi-search body of each (seats
    are not read: the bench's Redis holds no registrations, so the API's plan is the same)."""
    reference = load_reference()
    service = VisitSearchService(reference, max_page_size=100)
    rng = random.Random(f"{seed}-{VISIT_MIX}")
    terms = search_terms(reference)
    regions, municipalities = sorted(reference.regions), sorted(reference.municipalities)
    seen: dict[str, tuple[dict[str, Any], VisitSearchRequest]] = {}
    while len(seen) < offset + count:
        variables, request = _case(rng, terms, regions, municipalities)
        seen.setdefault(json.dumps(variables, sort_keys=True), (variables, request))
    api, meili = [], []
    for variables, request in list(seen.values())[offset:]:
        api.append(json.dumps({"query": QUERY, "variables": variables},
                              ensure_ascii=False).encode())
        plan = service.plan(request, service.validate(request), {})
        meili.append(multi_search_body(visit_index_uid(index_uid), plan.queries))
    return api, meili
