"""Labels in Danish and Norwegian, and Danish and Norwegian places known to search."""

from __future__ import annotations

import pytest

from core.errors import InputError
from core.nordic_reference import Country, load_nordic_reference
from core.reference import load_reference
from core.search.attributes import Facet
from core.search.labels import Labeller
from core.search.model import CourseFilter, GeoPoint, Near
from core.search.providers import ProviderDirectory
from core.search.validation import (
    resolve_near,
    validate_course_id,
    validate_filter,
    validate_organisation_number,
)
from core.search.vocabulary import (
    BOOLEAN_LABELS,
    COUNTRY_LABELS,
    LANGUAGE_LABELS,
    VOCABULARY_LABELS,
    Labels,
    Language,
)

REFERENCE = load_reference()
NORDIC = load_nordic_reference()
LABELLER = Labeller(REFERENCE, ProviderDirectory({}))


def test_every_vocabulary_label_has_four_languages_and_danish_and_norwegian_differ() -> None:
    tables = [VOCABULARY_LABELS, LANGUAGE_LABELS, COUNTRY_LABELS, *BOOLEAN_LABELS.values()]
    for table in tables:
        for labels in table.values():
            assert isinstance(labels, Labels) and all(text.strip() for text in labels)
    assert LABELLER.label(Facet.PROGRAMME_TYPE, "labour_market_training", Language.DA) == (
        "Arbejdsmarkedsuddannelse")
    assert LABELLER.label(Facet.PROGRAMME_TYPE, "labour_market_training", Language.NB) == (
        "Arbeidsmarkedsopplæring")
    assert LABELLER.label(Facet.SCHEDULE, "evening", Language.DA) == "Aftener"
    assert LABELLER.label(Facet.SCHEDULE, "evening", Language.NB) == "Kveldstid"
    assert LABELLER.label(Facet.COUNTRY, "SE", Language.NB) == "Sverige"
    assert LABELLER.label(Facet.FREE_OF_CHARGE, "true", Language.DA) == "Gratis"
    assert LABELLER.label(Facet.DURATION_WEEKS, "4", Language.DA) == "4 uger"
    assert LABELLER.label(Facet.DURATION_WEEKS, "4", Language.NB) == "4 uker"


def test_every_occupation_field_is_named_in_danish_and_norwegian() -> None:
    for field in REFERENCE.occupation_fields.values():
        assert field.name_da.strip() and field.name_nb.strip()
    assert LABELLER.label(Facet.OCCUPATION_FIELD, "halsa-sjukvard", Language.DA) == (
        "Sundhed og sygepleje")
    assert LABELLER.label(Facet.OCCUPATION_FIELD, "halsa-sjukvard", Language.NB) == (
        "Helse og omsorg")


@pytest.mark.parametrize("language", list(Language))
def test_places_keep_their_native_names_in_every_language(language: Language) -> None:
    assert LABELLER.label(Facet.REGION, "DK-1084", language) == "Region Hovedstaden"
    assert LABELLER.label(Facet.REGION, "NO-46", language) == "Vestland"
    assert LABELLER.label(Facet.MUNICIPALITY, "DK-0101", language) == "København"
    assert LABELLER.label(Facet.MUNICIPALITY, "NO-0301", language) == "Oslo"
    assert LABELLER.label(Facet.MUNICIPALITY, "1280", language) == "Malmö"
    expected = "Skåne County" if language is Language.EN else "Skåne län"
    assert LABELLER.label(Facet.REGION, "12", language) == expected


def test_every_danish_and_norwegian_place_has_a_label() -> None:
    regions = dict(LABELLER.known_values(Facet.REGION))
    municipalities = dict(LABELLER.known_values(Facet.MUNICIPALITY))
    assert len(regions) == 21 + 5 + 15
    assert len(municipalities) == 290 + 98 + 357
    assert {"DK-1081", "NO-56"} <= regions.keys()


@pytest.mark.parametrize(("language", "welders", "truck_drivers"), [
    (Language.DA, "Svejsearbejde og skærebrænding", "Truckførerarbejde"),
    (Language.NB, "Sveisere", "Truckførere"),
    (Language.SV, "Welders and Flame Cutters", "Lifting Truck Operators"),
    (Language.EN, "Welders and Flame Cutters", "Lifting Truck Operators"),
])
def test_danish_and_norwegian_occupations_are_labelled_by_their_isco_group(
        language: Language, welders: str, truck_drivers: str) -> None:
    # Both countries' occupations take DISCO-08's title in Danish and STYRK-08's in
    # Norwegian; Swedish and English get ILO's English title.
    for value in ("DK-721200", "DK-7212", "NO-7212"):
        assert LABELLER.label(Facet.OCCUPATION, value, language) == welders
    for value in ("DK-834400", "NO-8344"):
        assert LABELLER.label(Facet.OCCUPATION, value, language) == truck_drivers
    assert LABELLER.label(Facet.OCCUPATION, "DK-999999", language) == "DK-999999"
    assert LABELLER.label(Facet.OCCUPATION, "SE-7212", language) == "SE-7212"
    assert LABELLER.label(Facet.OCCUPATION, "2221", language) != "2221"


def test_danish_and_norwegian_places_pass_the_filter_and_unknown_ones_do_not() -> None:
    validate_filter(CourseFilter(regions=("DK-1084", "NO-46", "12"),
                                 municipalities=("DK-0101", "NO-0301", "1280")), REFERENCE)
    for course_filter, argument in ((CourseFilter(regions=("DK-9999",)), "filter.regions"),
                                    (CourseFilter(regions=("1084",)), "filter.regions"),
                                    (CourseFilter(municipalities=("NO-1201",)),
                                     "filter.municipalities")):
        with pytest.raises(InputError) as raised:
            validate_filter(course_filter, REFERENCE)
        assert raised.value.argument == argument


def test_danish_and_norwegian_occupation_codes_pass_the_filter_as_the_facet_spells_them() -> None:
    validate_filter(CourseFilter(occupations=("2221", "DK-721200", "DK-7212", "NO-8344")),
                    REFERENCE)
    for bad in ("DK-72120", "NO-834400", "SE-2221", 'DK-7212" OR occupationCode = "1'):
        with pytest.raises(InputError) as raised:
            validate_filter(CourseFilter(occupations=(bad,)), REFERENCE)
        assert raised.value.argument == "filter.occupations"


def test_near_a_danish_or_norwegian_municipality_is_around_its_centre() -> None:
    kommune = NORDIC.municipalities[Country.DK]["0101"]
    circle = resolve_near(Near(10.0, municipality_code="DK-0101"), REFERENCE)
    assert circle.centre == GeoPoint(kommune.lat, kommune.lon)
    with pytest.raises(InputError, match="DK-0101"):
        resolve_near(Near(10.0, municipality_code="0101"), REFERENCE)


def test_danish_and_norwegian_providers_and_course_ids_are_well_formed() -> None:
    validate_filter(CourseFilter(providers=("556677-8899", "39172542", "992831405")), REFERENCE)
    validate_course_id("39172542-AMU-48795")
    validate_course_id("992831405-AMO-2027-017")
    validate_organisation_number("39172542")
    for bad in ("3917254", "5566778899", '39172542" OR id = "1'):
        with pytest.raises(InputError):
            validate_filter(CourseFilter(providers=(bad,)), REFERENCE)
        with pytest.raises(InputError):
            validate_organisation_number(bad)
    with pytest.raises(InputError):
        validate_course_id("3917254-AMU-1")


def test_styrk08_gives_most_isco_groups_a_norwegian_title() -> None:
    """403 of the 436 unit groups have a STYRK-08 item of the same code; the rest keep
    ILO's English title in every language (core/reference/data/SOURCES.md)."""
    titled = {code for code, group in NORDIC.isco.items() if group.title_nb}
    assert len(NORDIC.isco) == 436
    assert len(titled) == 403
    assert all((NORDIC.isco[code].title_nb or "").strip() for code in titled)
    assert NORDIC.isco["5120"].title_nb == "Kokker"
    untitled = sorted(NORDIC.isco.keys() - titled)
    assert LABELLER.label(Facet.OCCUPATION, f"NO-{untitled[0]}", Language.NB) == (
        NORDIC.isco[untitled[0]].title_en)


def test_disco08_gives_all_but_nine_isco_groups_a_danish_title() -> None:
    """427 of the 436 unit groups have a DISCO-08 item of the same code; the nine that
    Denmark does not use keep ILO's English title in Danish (core/reference/data/SOURCES.md)."""
    titled = {code for code, group in NORDIC.isco.items() if group.title_da}
    assert len(titled) == 427
    assert sorted(NORDIC.isco.keys() - titled) == [
        "1113", "4414", "5243", "6310", "6320", "6330", "6340", "7111", "9624"]
    assert all((NORDIC.isco[code].title_da or "").strip() for code in titled)
    assert NORDIC.isco["2512"].title_da == "Softwareudvikling"
    assert NORDIC.isco["5120"].title_da == "Kokkearbejde (ekskl. køkkenchefarbejde)"
    assert NORDIC.isco["9622"].title_da == "Forefaldende arbejde"
    assert NORDIC.isco["0110"].title_da == "Militært arbejde på officersniveau"
    assert LABELLER.label(Facet.OCCUPATION, "DK-711100", Language.DA) == (
        NORDIC.isco["7111"].title_en)


@pytest.mark.parametrize("language", [Language.NB, Language.DA])
def test_every_occupation_of_the_sample_feeds_has_a_national_title(language: Language) -> None:
    from devstack.sample_nordic import _COURSES

    codes = {course.code[:4] for courses in _COURSES.values() for course in courses}
    assert codes and codes <= NORDIC.isco.keys()
    for code in codes:
        group = NORDIC.isco[code]
        title = group.title_nb if language is Language.NB else group.title_da
        assert title and title != group.title_en, code
        for value in (f"DK-{code}", f"NO-{code}"):
            assert LABELLER.label(Facet.OCCUPATION, value, language) == title
            assert LABELLER.label(Facet.OCCUPATION, value, Language.EN) == group.title_en
