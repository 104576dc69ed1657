"""The search bench's requests: GraphQL bodies for the API and, for each, the multi-search
body the API sends Meilisearch for it (built by the same service code).

Mixes: ``text`` (text only), ``text+filters+facets``, ``geo+sort+facets`` — each a list of
distinct searches, none repeated within a bench run — and ``zipf``: a realistic query log,
10,000 distinct searches over popular terms, regions and facet selections, drawn with a
Zipf distribution (exponent 1.1) as real search traffic repeats. The ``zipf`` mix uses
the reference search page's own query (``api/static/queries.js``), study visits with
seats left included. ``sessions`` sends the page's queries as the page sends them while
people use it: each person types a popular term (searched as typed, from its third
letter), opens one of the courses found, adds facet values one at a time, removes one, and
loads two more pages (not showing facets, as the page's "load more"); see
:func:`session_cases`.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import FieldNode, SelectionSetNode, parse

from api.search.selection import course_attributes, selected_course_attributes
from core.reference import Reference, load_reference
from core.search.attributes import Attribute, Facet
from core.search.cursor import encode_cursor, fingerprint
from core.search.documents import retrieval_list
from core.search.filters import equals
from core.search.highlight import HIGHLIGHTABLE
from core.search.meili import Query, multi_search_body
from core.search.model import CourseFilter, Near, SearchRequest, SortOrder
from core.search.providers import ProviderDirectory
from core.search.service import SearchService
from core.search.vocabulary import Delivery, Language, Pace, ProgrammeType

PAGE_SIZE = 20
ZIPF_EXPONENT = 1.1
ZIPF_DISTINCT = 10_000
CARD = "id title provider { name } location { municipality { name } } intake { startDate }"
CARD_ATTRIBUTES = course_attributes(
    ["id", "title", "provider", "location", "intake"],
    {"provider": ["name"], "location": ["municipality"], "intake": ["startDate"]})
FACETS = "facets { attribute min max values { value label count selected } }"
QUERIES = {
    "text": f"""query Q($q: String!) {{ searchCourses(query: $q, first: {PAGE_SIZE}) {{
        totalCount pageInfo {{ hasNextPage endCursor }}
        edges {{ cursor highlights {{ title {{ html }} description {{ html }} }}
                 node {{ {CARD} }} }} }} }}""",
    "text+filters+facets": f"""query Q($q: String!, $f: CourseFilterInput) {{
        searchCourses(query: $q, filter: $f, first: {PAGE_SIZE}) {{
        totalCount pageInfo {{ hasNextPage endCursor }}
        edges {{ cursor highlights {{ title {{ html }} }} node {{ {CARD} }} }} {FACETS} }} }}""",
    "geo+sort+facets": f"""query Q($near: NearInput, $sort: CourseSort!) {{
        searchCourses(near: $near, sort: $sort, first: {PAGE_SIZE}) {{
        totalCount pageInfo {{ hasNextPage endCursor }}
        edges {{ cursor distanceKm node {{ {CARD} }} }} {FACETS} }} }}""",
    # The reference search page's SEARCH_COURSES (api/static/queries.js).
    "zipf": """query SearchCourses($query: String!, $filter: CourseFilterInput, $near: NearInput,
        $sort: CourseSort!, $first: Int!, $after: String, $facets: [FacetAttribute!],
        $withFacets: Boolean!, $language: Language!, $interpretPlace: Boolean = true) {
      searchCourses(query: $query, filter: $filter, near: $near, sort: $sort, first: $first,
                    after: $after, facets: $facets, language: $language,
                    interpretPlace: $interpretPlace) {
        totalCount
        pageInfo { hasNextPage endCursor }
        interpretedPlace { kind code name nameEn matchedText query }
        relaxation { kind occupationCodes regionCode }
        didYouMean
        facets @include(if: $withFacets) { attribute values { value label count selected } }
        edges {
          distanceKm
          highlights {
            title { fragments { text matched } } titleEn { fragments { text matched } }
            description { fragments { text matched } }
            descriptionEn { fragments { text matched } }
          }
          node {
            id title titleEn description descriptionEn provider { name }
            location { municipality { name } region { name nameEn } }
            intake { type startDate endDate durationWeeks } pace { type percent }
            schedule delivery studyVisits { id start seatsLeft }
          }
        }
      }
    }""",
}
PAGE_FIELDS = ["id", "title", "titleEn", "description", "descriptionEn", "provider", "location",
               "intake", "pace", "schedule", "delivery", "studyVisits"]
PAGE_SUBFIELDS = {"provider": ["name"], "location": ["municipality", "region"],
                  "intake": ["type", "startDate", "endDate", "durationWeeks"],
                  "pace": ["type", "percent"]}
# The facets the page asks for (``facetAttributes`` in api/static/facets.js).
PAGE_FACETS = (Facet.REGION, Facet.OCCUPATION_FIELD, Facet.PROGRAMME_TYPE, Facet.PACE,
               Facet.SCHEDULE, Facet.DELIVERY, Facet.LANGUAGE, Facet.MUNICIPALITY,
               Facet.PROVIDER, Facet.HAS_UPCOMING_STUDY_VISITS)
PAGE_QUERIES = Path(__file__).resolve().parent.parent / "api" / "static" / "queries.js"


def page_query(name: str) -> str:
    """One of the page's named operations, as ``api/static/queries.js`` sends it."""
    found = re.search(rf"export const {name} = `(.*?)`;", PAGE_QUERIES.read_text(), re.S)
    assert found is not None, name
    return found.group(1)


def _names_at(selection: SelectionSetNode, path: Sequence[str]) -> set[str]:
    fields = [f for f in selection.selections if isinstance(f, FieldNode)]
    if not path:
        return {f.name.value for f in fields}
    for field in fields:
        if field.name.value == path[0] and field.selection_set is not None:
            return _names_at(field.selection_set, path[1:])
    return set()


def course_page_query(course_id: str) -> Query:
    """The Meilisearch query of the page's ``COURSE`` operation (``SearchService.course``
    with the attributes its selection needs)."""
    (operation,) = parse(page_query("COURSE")).definitions
    (course,) = operation.selection_set.selections  # type: ignore[attr-defined]
    attributes = selected_course_attributes(lambda path: _names_at(course.selection_set, path))
    return {"q": "", "filter": equals(Attribute.ID, course_id), "limit": 1,
            "attributesToRetrieve": retrieval_list(attributes)}


@dataclass(frozen=True)
class Case:
    """One search as GraphQL variables and as the core request the API builds from them."""

    variables: dict[str, Any]
    request: SearchRequest | None  # None: the page's COURSE operation (``variables["id"]``)

    def key(self) -> str:
        return json.dumps(self.variables, sort_keys=True, ensure_ascii=False)


def search_terms(reference: Reference) -> list[str]:
    """Occupation names and everyday job titles (Swedish and English), sorted; only of the
    occupations with curated job titles, those the generated catalogue has courses of."""
    terms = set()
    for occupation in reference.occupations.values():
        if not occupation.synonyms_sv:
            continue
        terms.add(occupation.name_sv.lower())
        terms.update(s.lower() for s in occupation.synonyms_sv + occupation.synonyms_en)
    return sorted(terms)


class Generator:
    def __init__(self, rng: random.Random, reference: Reference) -> None:
        self.rng = rng
        self.reference = reference
        self.terms = search_terms(reference)
        self.regions = sorted(reference.regions)
        self.municipalities = sorted(reference.municipalities)

    def text(self) -> str:
        term = self.rng.choice(self.terms)
        if self.rng.random() < 0.5:
            term += " " + self.reference.municipalities[self.rng.choice(self.municipalities)].name
        return term.lower()

    def text_case(self) -> Case:
        q = self.text()
        return Case({"q": q}, SearchRequest(query=q, first=PAGE_SIZE,
                                            highlights=frozenset({"title", "description"}),
                                            attributes=CARD_ATTRIBUTES))

    def filter_case(self) -> Case:
        rng = self.rng
        q = self.text()
        regions = rng.sample(self.regions, rng.randint(1, 3))
        paces = rng.sample(list(Pace), 1)
        variables: dict[str, Any] = {"regions": regions, "paces": [p.name for p in paces]}
        core = CourseFilter(regions=tuple(regions), paces=tuple(paces))
        if rng.random() < 0.5:
            types = rng.sample(list(ProgrammeType), 2)
            deliveries = rng.sample(list(Delivery), 2)
            variables |= {"programmeTypes": [t.name for t in types],
                          "deliveries": [d.name for d in deliveries]}
            core = CourseFilter(regions=core.regions, paces=core.paces,
                                programme_types=tuple(types), deliveries=tuple(deliveries))
        return Case({"q": q, "f": variables},
                    SearchRequest(query=q, filter=core, first=PAGE_SIZE, facets=tuple(Facet),
                                  highlights=frozenset({"title"}), attributes=CARD_ATTRIBUTES))

    def geo_case(self) -> Case:
        code = self.rng.choice(self.municipalities)
        radius = float(self.rng.randint(5, 150))
        sort = self.rng.choice([SortOrder.DISTANCE, SortOrder.START_DATE_ASC])
        return Case({"near": {"municipalityCode": code, "radiusKm": radius}, "sort": sort.name},
                    SearchRequest(near=Near(radius, municipality_code=code), sort=sort,
                                  first=PAGE_SIZE, facets=tuple(Facet), language=Language.SV,
                                  attributes=CARD_ATTRIBUTES))

    def page_case(self) -> Case:
        """A search of the reference page: popular terms, a region or two, some facets."""
        rng = self.rng
        q = rng.choice(self.terms[:150]) if rng.random() < 0.8 else ""
        selections: dict[str, Any] = {}
        core: dict[str, Any] = {}
        if rng.random() < 0.6:
            regions = rng.sample(self.regions[:8], rng.randint(1, 2))
            selections["regions"], core["regions"] = regions, tuple(regions)
        if rng.random() < 0.3:
            pace = rng.choice(list(Pace))
            selections["paces"], core["paces"] = [pace.name], (pace,)
        if rng.random() < 0.2:
            selections["hasUpcomingStudyVisits"] = core["has_upcoming_study_visits"] = True
        language = rng.choice([Language.SV] * 4 + [Language.EN])
        variables = {"query": q, "filter": selections or None, "near": None,
                     "sort": "RELEVANCE", "first": PAGE_SIZE, "after": None, "facets": None,
                     "withFacets": True, "language": language.name}
        return Case(variables, SearchRequest(
            query=q, filter=CourseFilter(**core), first=PAGE_SIZE, facets=tuple(Facet),
            language=language, highlights=frozenset(HIGHLIGHTABLE),
            attributes=course_attributes(PAGE_FIELDS, PAGE_SUBFIELDS)))


    def session(self, terms: list[str], weights: list[float],
                found: Callable[[SearchRequest], list[str]]) -> list[Case]:
        """One person's requests: a popular term searched as it is typed, from its third
        letter on; one of the first courses found opened (``found`` gives the ids of a
        search's first page); a region, a second region and a pace added one at a time,
        one of them removed; and the next two pages."""
        rng = self.rng
        term = rng.choices(terms, weights)[0]
        language = rng.choice([Language.SV] * 4 + [Language.EN])
        filters: list[tuple[str, str, Any]] = []  # (variable, core field, value)
        steps: list[tuple[str, list[tuple[str, str, Any]], int]] = [
            (term[:end], [], 0) for end in range(min(3, len(term)), len(term) + 1)]
        cases = [self._page_case(q, chosen, page, language) for q, chosen, page in steps]
        ids = found(cases[-1].request) if cases[-1].request is not None else []
        if ids:  # the top results are opened most
            opened = ids[min(len(ids) - 1, int(rng.expovariate(0.5)))]
            cases.append(Case({"id": opened}, None))
        steps = []
        regions = rng.sample(self.regions[:8], 2)
        for added in (("regions", "regions", regions[0]), ("regions", "regions", regions[1]),
                      ("paces", "paces", rng.choice(list(Pace)))):
            filters = [*filters, added]
            steps.append((term, filters, 0))
        removed = rng.choice(filters)
        filters = [f for f in filters if f is not removed]
        steps += [(term, filters, page) for page in range(3)]
        return cases + [self._page_case(q, chosen, page, language) for q, chosen, page in steps]

    def _page_case(self, q: str, chosen: list[tuple[str, str, Any]], page: int,
                   language: Language) -> Case:
        selections: dict[str, list[Any]] = {}
        core: dict[str, list[Any]] = {}
        for variable, field, value in chosen:
            selections.setdefault(variable, []).append(getattr(value, "name", value))
            core.setdefault(field, []).append(value)
        course_filter = CourseFilter(**{k: tuple(v) for k, v in core.items()})
        after = None
        if page:
            after = encode_cursor(fingerprint(q, course_filter, None, SortOrder.RELEVANCE, ()),
                                  page * PAGE_SIZE - 1)
        # As the page: the facets of its lists and study visits, left out of "load more"
        # (``@include(if: $withFacets)``), which counts none.
        variables = {"query": q, "filter": selections or {}, "near": None,
                     "sort": "RELEVANCE", "first": PAGE_SIZE, "after": after,
                     "facets": [facet.name for facet in PAGE_FACETS],
                     "withFacets": after is None, "language": language.name}
        return Case(variables, SearchRequest(
            query=q, filter=course_filter, first=PAGE_SIZE, after=after,
            facets=PAGE_FACETS if after is None else (), language=language,
            highlights=frozenset(HIGHLIGHTABLE),
            attributes=course_attributes(PAGE_FIELDS, PAGE_SUBFIELDS)))


# The ids of the courses on a search's first page (the bench asks Meilisearch).
Found = Callable[[SearchRequest], list[str]]


def first_page_finder(index_uid: str, post: Callable[[bytes], dict[str, Any]]) -> Found:
    """A :data:`Found` that sends a search's main query (``post``: one multi-search)."""
    service = SearchService(load_reference(), ProviderDirectory(), max_page_size=100)
    seen: dict[bytes, list[str]] = {}

    def found(request: SearchRequest) -> list[str]:
        body = multi_search_body(index_uid, service.plan_search(request).queries[:1])
        if body not in seen:
            seen[body] = [str(hit["id"]) for hit in post(body)["results"][0]["hits"]]
        return seen[body]
    return found


def session_cases(count: int, seed: int, found: Found) -> list[Case]:
    """``count`` requests of people's sessions, one session after another; the terms are
    the 150 most popular (the ``zipf`` mix's), drawn with exponent :data:`ZIPF_EXPONENT`."""
    generator = Generator(random.Random(f"{seed}-sessions"), load_reference())
    terms = generator.terms[:150]
    random.Random(f"{seed}-session-terms").shuffle(terms)
    weights = [1.0 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(terms))]
    cases: list[Case] = []
    while len(cases) < count:
        cases += generator.session(terms, weights, found)
    return cases[:count]


MIXES: dict[str, Callable[[Generator], Case]] = {
    "text": Generator.text_case,
    "text+filters+facets": Generator.filter_case,
    "geo+sort+facets": Generator.geo_case,
    "zipf": Generator.page_case,
}

ALL_MIXES = [*MIXES, "sessions", "visits"]


def distinct_cases(mix: str, count: int, seed: int) -> list[Case]:
    """``count`` different searches of a mix (deterministic for a seed)."""
    generator = Generator(random.Random(f"{seed}-{mix}"), load_reference())
    seen: dict[str, Case] = {}
    for _ in itertools.count():
        case = MIXES[mix](generator)
        seen.setdefault(case.key(), case)
        if len(seen) == count:
            return list(seen.values())
    raise AssertionError("unreachable")


def zipf_sequence(distinct: int, length: int, seed: int,
                  exponent: float = ZIPF_EXPONENT) -> Iterator[int]:
    """Ranks (0 = most popular) drawn with probability proportional to 1/(rank+1)^s."""
    rng = random.Random(f"{seed}-zipf-draws")
    weights = list(itertools.accumulate(1.0 / (rank + 1) ** exponent for rank in range(distinct)))
    for _ in range(length):
        yield min(distinct - 1, _bisect(weights, rng.random() * weights[-1]))


def _bisect(cumulative: list[float], value: float) -> int:
    low, high = 0, len(cumulative)
    while low < high:
        middle = (low + high) // 2
        if cumulative[middle] < value:
            low = middle + 1
        else:
            high = middle
    return low


def bodies(mix: str, count: int, seed: int, index_uid: str, offset: int = 0,
           found: Found | None = None) -> tuple[list[bytes], list[bytes]]:
    """``count`` API bodies and, for each, the multi-search body the API sends Meilisearch.

    Distinct mixes give cases ``offset`` to ``offset + count`` of one distinct list, so that
    runs given disjoint ranges never repeat a search; ``zipf`` draws ``count`` requests.
    ``sessions`` needs ``found``: the ids of a search's first page, to open one.
    """
    if mix == "visits":  # the visit finder (bench/visit_mixes.py)
        from visit_mixes import visit_bodies
        return visit_bodies(count, seed, index_uid, offset)
    service = SearchService(load_reference(), ProviderDirectory(), max_page_size=100)
    if mix == "sessions":
        assert found is not None, "the sessions mix opens courses it found"
        cases = session_cases(offset + count, seed, found)[offset:]
    elif mix == "zipf":
        population = distinct_cases(mix, ZIPF_DISTINCT, seed)
        rng = random.Random(f"{seed}-zipf-ranks")
        rng.shuffle(population)  # popularity does not follow generation order
        cases = [population[rank] for rank in zipf_sequence(ZIPF_DISTINCT, offset + count, seed)]
        cases = cases[offset:]
    else:
        cases = distinct_cases(mix, offset + count, seed)[offset:]
    api, meili = [], []
    plans: dict[str, bytes] = {}
    for case in cases:
        query = QUERIES.get(mix, QUERIES["zipf"]) if case.request else page_query("COURSE")
        api.append(json.dumps({"query": query, "variables": case.variables},
                              ensure_ascii=False).encode())
        key = case.key()
        if key not in plans:
            plans[key] = multi_search_body(index_uid, (
                service.plan_search(case.request).queries if case.request is not None
                else [course_page_query(case.variables["id"])]))
        meili.append(plans[key])
    return api, meili
