"""Reading only the facet values that can be shown gives the same first values."""

from __future__ import annotations

import random

from core.search.facets import _candidates


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
