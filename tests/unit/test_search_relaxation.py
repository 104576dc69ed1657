"""What a search that finds nothing searches instead (pure)."""

from __future__ import annotations

from core.reference import load_reference
from core.search.relaxation import RelaxationKind, Relaxer

RELAXER = Relaxer(load_reference())


def test_a_compound_head_points_to_every_occupation_it_ends() -> None:
    relaxed = RELAXER.relax("chaufför")
    assert relaxed is not None and relaxed.kind is RelaxationKind.OCCUPATIONS
    assert {"8321", "8331", "8332"} <= set(relaxed.occupations)
    assert relaxed.words == ("chauffor",)


def test_filler_words_point_nowhere_and_misspellings_point_close() -> None:
    relaxed = RELAXER.relax("jobba med svetsre")
    assert relaxed is not None
    assert relaxed.occupations == ("7212",)
    assert RELAXER.relax("jobba med") is None
    assert RELAXER.relax("xqzvw") is None


def test_a_word_of_an_uncurated_unit_group_points_to_it() -> None:
    # "Bartendrar" (5132) has no curated job titles: its SSYK name is enough.
    relaxed = RELAXER.relax("bartendrar")
    assert relaxed is not None and relaxed.occupations == ("5132",)


def test_did_you_mean_offers_job_titles_spelled_alike() -> None:
    assert RELAXER.did_you_mean("undersköterka")[0] == "undersköterska"
    assert RELAXER.did_you_mean("become a welderr")[0] == "welder"
    assert RELAXER.did_you_mean("xqzvw") == []
