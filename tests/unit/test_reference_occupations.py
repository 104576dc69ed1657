"""The occupation reference data: every SSYK 2012 unit group, the curated job titles kept."""

from __future__ import annotations

from core.reference import load_reference
from core.search.attributes import Facet
from core.search.labels import Labeller
from core.search.providers import ProviderDirectory
from core.search.suggest import OccupationTerms
from core.search.vocabulary import Language

REFERENCE = load_reference()


def test_every_ssyk_2012_unit_group_is_known_with_a_valid_field() -> None:
    occupations = REFERENCE.occupations
    assert len(occupations) == 429
    assert all(len(code) == 4 and code.isdigit() for code in occupations)
    assert {"0110", "0210", "0310", "5132", "9629"} <= occupations.keys()
    assert all(o.field in REFERENCE.occupation_fields for o in occupations.values())
    assert all(o.name_sv and o.name_en for o in occupations.values())


def test_the_curated_job_titles_are_kept() -> None:
    curated = [o for o in REFERENCE.occupations.values() if o.synonyms_sv]
    assert len(curated) == 58
    welder = REFERENCE.occupations["7212"]
    assert welder.name_en == "Welders and flame cutters"
    assert "svetsare" in welder.synonyms_sv


def test_a_unit_group_outside_the_curated_ones_has_a_label_and_suggestions() -> None:
    labeller = Labeller(REFERENCE, ProviderDirectory())
    assert labeller.label(Facet.OCCUPATION, "5132", Language.SV) == "Bartendrar"
    # No English name is known yet: the Swedish one stands in.
    assert labeller.label(Facet.OCCUPATION, "5132", Language.EN) == "Bartendrar"
    assert ("5132", "Bartendrar") in OccupationTerms(REFERENCE).match("bartend", 5)
