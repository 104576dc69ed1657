"""The occupation reference data: every SSYK 2012 unit group with its English name, the
curated job titles kept, the labour market taxonomy's occupation names."""

from __future__ import annotations

import json

from core.reference import DATA_DIR, load_reference
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


def test_every_unit_group_has_an_english_name_of_its_own_and_a_code_of_its_own() -> None:
    # Read from the file: the loader would put the Swedish name in for a missing one.
    with (DATA_DIR / "occupations.json").open(encoding="utf-8") as fh:
        groups = json.load(fh)
    codes = [g["ssyk"] for g in groups]
    assert len(codes) == len(set(codes)) == 429
    assert [g["ssyk"] for g in groups if not g["name_en"]] == []  # SOURCES.md: none missing
    assert all(g["name_en"] == g["name_en"].strip() and g["name_en"][0].isupper()
               for g in groups)
    assert REFERENCE.occupations["2611"].name_en == "Lawyers"  # SCB's
    assert REFERENCE.occupations["2512"].name_en == "Software and systems developers"  # curated


def test_the_curated_job_titles_are_kept() -> None:
    curated = [o for o in REFERENCE.occupations.values() if o.synonyms_sv]
    assert len(curated) == 58
    welder = REFERENCE.occupations["7212"]
    assert welder.name_en == "Welders and flame cutters"
    assert "svetsare" in welder.synonyms_sv


def test_a_unit_group_outside_the_curated_ones_has_a_label_and_suggestions() -> None:
    labeller = Labeller(REFERENCE, ProviderDirectory())
    assert labeller.label(Facet.OCCUPATION, "5132", Language.SV) == "Bartendrar"
    assert labeller.label(Facet.OCCUPATION, "5132", Language.EN) == "Bartenders"
    terms = OccupationTerms(REFERENCE)
    assert ("5132", "Bartendrar") in terms.match("bartend", 5)
    assert ("5132", "Bartenders") in terms.match("bartend", 5, Language.EN)
    assert ("2611", "Lawyers") in terms.match("lawy", 5, Language.EN)


def test_the_taxonomy_s_occupation_names_are_known_for_most_unit_groups() -> None:
    named = [o for o in REFERENCE.occupations.values() if o.occupation_names]
    assert len(named) == 383
    assert sum(len(o.occupation_names) for o in named) == 3005
    cleaners = REFERENCE.occupations["9111"]
    assert {"Kontorsstädare", "Städare/Lokalvårdare"} <= set(cleaners.occupation_names)
    # Names of manager groups given without a level belong to both levels.
    level_1, level_2 = REFERENCE.occupations["1351"], REFERENCE.occupations["1352"]
    assert level_1.occupation_names and level_1.occupation_names == level_2.occupation_names


def test_the_taxonomy_s_search_keywords_are_known_by_unit_group() -> None:
    keyworded = [o for o in REFERENCE.occupations.values() if o.keywords]
    assert len(keyworded) == 234
    assert "Tandvård" in REFERENCE.occupations["5350"].keywords  # Tandsköterskor
    assert "Möbler" in REFERENCE.occupations["7522"].keywords  # Möbelsnickare
    # A keyword that is one of the group's occupation names is not repeated.
    drivers = REFERENCE.occupations["8332"]
    assert not set(drivers.keywords) & set(drivers.occupation_names)


def test_autocomplete_suggests_an_occupation_by_a_taxonomy_name() -> None:
    # "Kaffebartender" is no SSYK name and no curated job title of 5132 (Bartendrar).
    assert ("5132", "Barista/Kaffebartender") in OccupationTerms(REFERENCE).match("kaffeb", 5)
