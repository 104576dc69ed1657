"""The feed contract's rules for each country that the JSON Schema cannot hold.

A course of a Danish or Norwegian provider uses that country's codes (kommune, occupation
classification, currency, postal code, language of its texts); a Danish course states the
AMU participation fee by education level or why it is free; a Norwegian course names the
NAV county that buys it and is open from 19 (AMO). Swedish courses keep the 1.0 rules.
"""

from __future__ import annotations

from typing import Any

from core.nordic_reference import Country, NordicReference
from core.reference import Reference

LANGUAGE = {Country.SE: "sv", Country.DK: "da", Country.NO: "nb"}
CURRENCY = {Country.SE: ("SEK", "EUR"), Country.DK: ("DKK",), Country.NO: ("NOK",)}
CLASSIFICATION = {Country.SE: "ssyk", Country.DK: "disco", Country.NO: "styrk"}
CLASSIFICATION_NAME = {Country.SE: "SSYK 2012", Country.DK: "DISCO-08", Country.NO: "STYRK-08"}
COUNTRY_NAME = {Country.SE: "Swedish", Country.DK: "Danish", Country.NO: "Norwegian"}
POSTAL_CODE = {
    Country.SE: (5, "5 digits (NNN NN)"),
    Country.DK: (4, "4 digits"),
    Country.NO: (4, "4 digits"),
}

# AMO courses (arbeidsmarkedsopplæring) are open from this age.
NORWEGIAN_MINIMUM_AGE = 19

# Occupation fields whose Danish AMU courses carry no participation fee.
DANISH_FEE_FREE_FIELDS = frozenset({"pedagogik", "social-inriktning", "halsa-sjukvard"})

_LOCALISED = ("title", "description")

Problem = tuple[str, str]


def provider_country(provider: dict[str, Any]) -> Country:
    """The provider's country; a feed without one (every 1.0 feed) is Swedish."""
    return Country(provider.get("country", "SE"))


def isco_code(country: Country, occupation: dict[str, Any]) -> str | None:
    """The ISCO-08 unit group of a course's occupation: stated, or given by the national code.

    DISCO-08's first four digits and STYRK-08's code are the ISCO-08 unit group; SSYK 2012
    is not, so a Swedish course has one only when its feed states it.
    """
    if country is Country.DK and "disco" in occupation:
        return str(occupation["disco"])[:4]
    if country is Country.NO and "styrk" in occupation:
        return str(occupation["styrk"])
    stated = occupation.get("isco")
    return str(stated) if stated is not None else None


def check_country_rules(
    course: dict[str, Any], country: Country, reference: Reference, nordic: NordicReference
) -> Problem | None:
    """The first rule of the course's country it breaks, as (field, reason)."""
    return (
        _texts(course, country)
        or _geography(course, country, reference, nordic)
        or _occupation(course, country, nordic)
        or _fee(course, country)
        or _norwegian(course, country, nordic)
    )


def _texts(course: dict[str, Any], country: Country) -> Problem | None:
    language = LANGUAGE[country]
    for name in _LOCALISED:
        if language not in course[name]:
            return f"{name}.{language}", _needs_language(country)
    requirements = course["eligibility"].get("requirements")
    if requirements is not None and language not in requirements:
        return f"eligibility.requirements.{language}", _needs_language(country)
    return None


def _needs_language(country: Country) -> str:
    return f"a {COUNTRY_NAME[country]} course needs its text in {LANGUAGE[country]!r}"


def _geography(
    course: dict[str, Any], country: Country, reference: Reference, nordic: NordicReference
) -> Problem | None:
    location = course["location"]
    code = location["municipalityCode"]
    if country is Country.SE:
        if code not in reference.municipalities:
            return "location.municipalityCode", f"{code!r} is not a Swedish municipality code"
    elif code not in nordic.municipalities[country]:
        kind = "kommunekode" if country is Country.DK else "kommunenummer (2024 division)"
        return "location.municipalityCode", f"{code!r} is not a {COUNTRY_NAME[country]} {kind}"
    addresses = [("location.address", location["address"])] + [
        (f"studyVisits.{i}.address", v["address"])
        for i, v in enumerate(course["studyVisits"])
        if "address" in v
    ]
    digits, form = POSTAL_CODE[country]
    for field, address in addresses:
        if len(address["postalCode"].replace(" ", "")) != digits:
            return f"{field}.postalCode", f"a {COUNTRY_NAME[country]} postal code is {form}"
    return None


def _occupation(
    course: dict[str, Any], country: Country, nordic: NordicReference
) -> Problem | None:
    occupation = course["occupation"]
    wanted = CLASSIFICATION[country]
    for other in CLASSIFICATION.values():
        if other != wanted and other in occupation:
            return (
                f"occupation.{other}",
                f"a {COUNTRY_NAME[country]} course states its occupation as "
                f"{CLASSIFICATION_NAME[country]} ({wanted!r})",
            )
    if wanted not in occupation:
        return (
            f"occupation.{wanted}",
            f"a {COUNTRY_NAME[country]} course needs its {CLASSIFICATION_NAME[country]} code",
        )
    stated = occupation.get("isco")
    derived = isco_code(country, occupation)
    if derived is not None and derived not in nordic.isco:
        field = "occupation.isco" if country is Country.SE else f"occupation.{wanted}"
        return field, f"{derived!r} is not an ISCO-08 unit group"
    if stated is not None and stated != derived:
        return (
            "occupation.isco",
            f"{stated!r} does not match the {CLASSIFICATION_NAME[country]} code's "
            f"ISCO-08 group {derived!r}",
        )
    return None


def _fee(course: dict[str, Any], country: Country) -> Problem | None:
    fee = course.get("participationFee")
    danish = course.get("danishFee")
    if country is not Country.DK:
        if danish is not None:
            return "danishFee", "is for Danish courses only"
        if fee is not None and fee["currency"] not in CURRENCY[country]:
            return (
                "participationFee.currency",
                f"a {COUNTRY_NAME[country]} course's fee is in {' or '.join(CURRENCY[country])}",
            )
        return None
    if fee is not None:
        return "participationFee", "a Danish course states its fee as danishFee"
    if danish is None:
        return "danishFee", "a Danish course states its participation fee or why it is free"
    free_field = course["occupationField"] in DANISH_FEE_FREE_FIELDS
    if danish["type"] == "by_education_level":
        if free_field:
            return (
                "danishFee",
                "courses in the education, social and healthcare fields are free of charge "
                "(exempt, reason education_social_health)",
            )
        if course["programmeType"] == "validation":
            return (
                "danishFee",
                "an individual skills assessment is free of charge "
                "(exempt, reason skills_assessment)",
            )
        if danish["fullFee"] < danish["lowFee"]:
            return "danishFee.fullFee", "is lower than lowFee"
    elif danish["reason"] == "education_social_health" and not free_field:
        return (
            "danishFee.reason",
            f"the occupation field {course['occupationField']!r} is not in the education, "
            "social or healthcare fields",
        )
    elif danish["reason"] == "skills_assessment" and course["programmeType"] != "validation":
        return (
            "danishFee.reason",
            "only a validation (individual skills assessment) has this reason",
        )
    return None


def _norwegian(course: dict[str, Any], country: Country, nordic: NordicReference) -> Problem | None:
    county = course.get("navCounty")
    if country is not Country.NO:
        return ("navCounty", "is for Norwegian courses only") if county is not None else None
    if county is None:
        return "navCounty", "a Norwegian course names the NAV county (fylkesnummer) that buys it"
    if county not in nordic.areas[Country.NO]:
        return "navCounty", f"{county!r} is not a Norwegian fylke (2024 division)"
    if course["eligibility"]["minimumAge"] < NORWEGIAN_MINIMUM_AGE:
        return (
            "eligibility.minimumAge",
            f"AMO courses are open from {NORWEGIAN_MINIMUM_AGE}; "
            f"{course['eligibility']['minimumAge']} is too low",
        )
    return None
