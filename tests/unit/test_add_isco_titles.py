"""The national titles of the ISCO-08 unit groups, read from Statistics Denmark's and
Statistics Norway's classification files."""

from __future__ import annotations

import pytest

from scripts.add_isco_titles import disco08_unit_groups, styrk08_unit_groups, with_titles

# Danmarks Statistik's download: byte order mark, CRLF, quoted codes, and stray spaces
# in some codes and titles; levels 1-3 are the groups above the unit groups, level 5
# their Danish subdivisions.
DISCO08 = "\ufeff" + "\r\n".join([
    "SEKVENS;KODE;NIVEAU;TITEL;GENERELLE_NOTER;INKLUDERER;INKLUDERER_OGSÅ;EKSKLUDERER;"
    "PARAGRAF;MÅLEENHED",
    '1;"7";1;Håndværkspræget arbejde;;;;;;',
    '2;"72";2;Metal- og maskinarbejde;;;;;;',
    '3;"721";3;Pladesmede, svejsere og beslægtet arbejde;;;;;;',
    '4;"7212";4;Svejsearbejde og skærebrænding;;;;;;',
    '5;"721200";5;Svejsearbejde og skærebrænding;;"Svejser; Skærebrænder";;;',
    '6;"7213 ";4;"Pladesmedarbejde ";;;;;;',
    '7;"2343";4;Pædagogisk  arbejde;;;;;;',
    "",
])


def test_disco08_gives_each_level_4_item_its_danish_title() -> None:
    assert disco08_unit_groups(DISCO08) == {
        "7212": "Svejsearbejde og skærebrænding",
        "7213": "Pladesmedarbejde",
        "2343": "Pædagogisk arbejde",
    }


@pytest.mark.parametrize(("text", "message"), [
    ("KODE;TITEL\r\n7212;Svejsning\r\n", "no column NIVEAU"),
    ("SEKVENS;KODE;NIVEAU;TITEL\r\n1;\"72120\";4;Svejsning\r\n", "line 2: .*'72120'"),
    ("SEKVENS;KODE;NIVEAU;TITEL\r\n1;\"7212\";4; \r\n", "line 2: .*a title"),
])
def test_a_file_that_is_not_disco08_is_refused_by_name(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        disco08_unit_groups(text)


def test_styrk08_gives_each_level_4_item_its_bokmal_title() -> None:
    text = """module.exports = {"classificationItems": [
        {"code": "7", "level": "1", "name": "Håndverkere"},
        {"code": "7212", "level": "4", "name": "Sveisere"},
        {"code": "2223", "level": "4", "name": "Syke\\u00adpleiere  "}
    ]}"""
    assert styrk08_unit_groups(text) == {"7212": "Sveisere", "2223": "Syke\u00adpleiere"}


def test_titles_are_set_replaced_and_dropped_in_the_files_key_order() -> None:
    groups = [
        {"code": "7212", "title_en": "Welders", "title_da": "old"},
        {"code": "7111", "title_en": "House Builders", "title_da": "stale"},
        {"code": "8344", "title_da": "Truckførerarbejde", "title_en": "Lifting Truck Operators"},
    ]
    danish = with_titles(groups, "title_da", {"7212": "Svejsearbejde", "8344": "Truck",
                                              "2343": "Pædagogisk arbejde"})
    both = with_titles(danish, "title_nb", {"7212": "Sveisere"})
    assert both == [
        {"code": "7212", "title_en": "Welders", "title_nb": "Sveisere",
         "title_da": "Svejsearbejde"},
        {"code": "7111", "title_en": "House Builders"},
        {"code": "8344", "title_en": "Lifting Truck Operators", "title_da": "Truck"},
    ]
    assert list(both[0]) == ["code", "title_en", "title_nb", "title_da"]
