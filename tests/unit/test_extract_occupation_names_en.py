"""The English names of the unit groups from SCB's (scripts/extract_occupation_names_en.py)."""

from __future__ import annotations

import runpy
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "extract_occupation_names_en.py"
script = runpy.run_path(str(SCRIPT))
scb_english_names, with_english_names = script["scb_english_names"], script["with_english_names"]


def test_the_names_are_read_from_pxweb_metadata_trimmed_and_capitalised() -> None:
    metadata = {"variables": [
        {"code": "Kon", "values": ["1", "2"], "valueTexts": ["men", "women"]},
        {"code": "Yrke2012", "values": ["2161", "5222", "9999"],
         "valueTexts": ["Architects ", "shop sales,  groceries", " "]},
    ]}
    assert scb_english_names(metadata) == {"2161": "Architects",
                                           "5222": "Shop sales, groceries"}


def test_the_names_are_read_from_a_copy_keyed_by_language() -> None:
    copy = {"EN": {"5132": "Bartenders"}, "SV": {"5132": "Bartendrar"}, "cached_at": "x"}
    assert scb_english_names(copy) == {"5132": "Bartenders"}


def test_a_curated_english_name_is_kept_and_a_missing_one_filled_in() -> None:
    groups = [{"ssyk": "2512", "name_sv": "Mjukvaru- och systemutvecklare m.fl.",
               "name_en": "Software and systems developers", "field": "data-it"},
              {"ssyk": "5132", "name_sv": "Bartendrar", "name_en": None, "field": "x"},
              {"ssyk": "0110", "name_sv": "Officerare", "name_en": None, "field": "y"}]
    english = {"2512": "Software- and system developers", "5132": "Bartenders"}
    assert [g["name_en"] for g in with_english_names(groups, english)] == [
        "Software and systems developers", "Bartenders", None]
