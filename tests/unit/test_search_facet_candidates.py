"""Reading only the facet values that can be shown gives the same first values."""

from __future__ import annotations

import random

from core.reference import load_reference
from core.search.attributes import Facet
from core.search.facets import FacetValueCount, _candidates, plan_facets, read_facets
from core.search.filters import build_filter_plan
from core.search.labels import Labeller
from core.search.model import CourseFilter
from core.search.providers import ProviderDirectory
from core.search.vocabulary import Language

REFERENCE = load_reference()


def _first(distribution: dict[str, int], n: int) -> list[str]:
    ordered = sorted(distribution.items(), key=lambda kv: (-kv[1], kv[0]))
    return [value for value, _ in ordered[:n]]


def test_the_first_values_are_among_the_candidates_ties_included() -> None:
    rng = random.Random(5)
    for _ in range(200):
        counts = sorted((rng.randint(1, 6) for _ in range(rng.randint(0, 40))), reverse=True)
        distribution = {f"v{i:02d}": c for i, c in enumerate(counts)}
        for limit in (0, 1, 3, 10, 50):
            found = _candidates(distribution, limit)
            assert set(_first(distribution, limit)) <= set(found)
            assert all(found[v] == distribution[v] for v in found)
            if limit < len(counts):  # every tie of the last shown count is a candidate
                tied = {v for v, c in distribution.items() if counts[limit - 1:limit] == [c]}
                assert tied <= set(found)


def test_an_unsorted_distribution_is_read_whole() -> None:
    distribution = {"a": 1, "b": 5, "c": 3}
    assert _candidates(distribution, 1) == distribution
    assert _candidates(distribution, None) == distribution


def _shown(values: tuple[FacetValueCount, ...], first: int) -> list[tuple[str, str, int, bool]]:
    """What ``Facet.values(first)`` shows."""
    chosen = list(values[:first]) + [v for v in values[first:] if v.selected]
    return [(v.value, v.label, v.count, v.selected) for v in chosen]


def test_values_read_with_a_limit_show_what_the_whole_list_shows() -> None:
    """Most frequent first, ties by label (casefolded) then value, selected ones after;
    read with a limit, every slice up to it is the same. Provider names differ in case
    only and some organisation numbers are not in the directory (labelled by themselves)."""
    rng = random.Random(11)
    regions = sorted(REFERENCE.regions)
    names = {f"55600{i:01d}-000{i:01d}": name for i, name in
             enumerate(["beta AB", "Alfa AB", "alfa ab", "Gamma", "ALFA AB", "delta"])}
    providers = [*names, "556999-0001", "556999-0002"]
    labeller = Labeller(REFERENCE, ProviderDirectory(names))
    for _ in range(150):
        language = rng.choice(list(Language))
        picked = {Facet.REGION: tuple(rng.sample(regions, rng.randint(0, 2))),
                  Facet.PROVIDER: tuple(rng.sample(providers, rng.randint(0, 2)))}
        course_filter = CourseFilter(regions=picked[Facet.REGION],
                                     providers=picked[Facet.PROVIDER])
        distributions = {
            attribute: dict(zip(rng.sample(values, count := rng.randint(0, len(values))),
                                sorted((rng.randint(1, 4) for _ in range(count)), reverse=True),
                                strict=True))
            for attribute, values in (("regionCode", regions), ("providerOrgNumber", providers))
        }
        wanted = [Facet.REGION, Facet.PROVIDER]
        facet_plan = plan_facets(build_filter_plan(course_filter), wanted, now_ts=1)
        main = {"totalHits": 1, "facetDistribution": distributions}
        extra = [{"facetDistribution": distributions} for _ in facet_plan.extra]
        whole = read_facets(wanted, facet_plan, main, extra, course_filter, labeller, language)
        for result, attribute in zip(whole, distributions, strict=True):
            table, _ = labeller.ordering(result.facet, language)
            counts = {**{v: 0 for v in picked[result.facet]}, **distributions[attribute]}
            expected = sorted(counts, key=lambda v: (-counts[v], table[v].casefold(), v))
            assert [(v.value, v.label, v.count, v.selected) for v in result.values] == [
                (v, table[v], counts[v], v in picked[result.facet]) for v in expected]
        for limit in (0, 1, 2, 5, 30):
            limited = read_facets(wanted, facet_plan, main, extra, course_filter, labeller,
                                  language, limit)
            for full, part in zip(whole, limited, strict=True):
                for first in range(limit + 1):
                    assert _shown(part.values, first) == _shown(full.values, first)
