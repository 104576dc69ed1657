"""National organisation identifiers: their check rules and their form in feed API paths.

- Sweden: organisation number, ten digits written NNNNNN-NNNN, the last a check digit by
  the Luhn algorithm (lagen (1974:174) om identitetsbeteckning för juridiska personer;
  the rule as Peppol's SE-R-013 states it, docs.peppol.eu).
- Denmark: CVR number, eight digits; the digits weighted 2, 7, 6, 5, 4, 3, 2, 1 sum to a
  multiple of 11 (Erhvervsstyrelsen, "Modulus 11 kontrol", erhvervsstyrelsen.dk/modulus_11).
- Norway: organisation number, nine digits; the first eight weighted 3, 2, 7, 6, 5, 4, 3, 2,
  the check digit is 11 minus the sum modulo 11 (0 for 11; a result of 10 is never issued)
  (Brønnøysundregistrene, "The organization number", brreg.no).
"""

from __future__ import annotations

import re

from core.nordic_reference import Country

_SWEDISH = re.compile(r"([0-9]{6})-?([0-9]{4})")
_SWEDISH_IN_FEEDS = re.compile(r"[0-9]{6}-[0-9]{4}")
_CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
_NORWEGIAN_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)

# Why an identifier with the right form is refused, per country.
CHECK_FAILED = {
    Country.SE: "check digit does not match",
    Country.DK: "check digit does not match (CVR number, modulus 11)",
    Country.NO: "check digit does not match (organisation number, modulus 11)",
}


def organisation_number_is_valid(number: str) -> bool:
    """Luhn check of a Swedish organisation number (NNNNNN-NNNN)."""
    digits = number.replace("-", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def cvr_number_is_valid(number: str) -> bool:
    """Modulus 11 check of a Danish CVR number (eight digits)."""
    if len(number) != 8 or not number.isascii() or not number.isdigit():
        return False
    return sum(int(d) * w for d, w in zip(number, _CVR_WEIGHTS, strict=True)) % 11 == 0


def norwegian_organisation_number_is_valid(number: str) -> bool:
    """Modulus 11 check of a Norwegian organisation number (nine digits)."""
    if len(number) != 9 or not number.isascii() or not number.isdigit():
        return False
    remainder = sum(int(d) * w for d, w in zip(number, _NORWEGIAN_WEIGHTS, strict=False)) % 11
    check = 11 - remainder
    if check == 10:
        return False
    return int(number[8]) == (0 if check == 11 else check)


def organisation_id_is_valid(country: Country, number: str) -> bool:
    """The check rule of the country's organisation identifier, in the feed's form."""
    if country is Country.DK:
        return cvr_number_is_valid(number)
    if country is Country.NO:
        return norwegian_organisation_number_is_valid(number)
    return _SWEDISH_IN_FEEDS.fullmatch(number) is not None and organisation_number_is_valid(
        number)


def canonical_organisation_number(value: str) -> str | None:
    """The feed's own form of an organisation identifier in an API path, or None.

    Ten digits with or without the hyphen are a Swedish number (``NNNNNN-NNNN``), eight a
    Danish CVR number, nine a Norwegian organisation number; each with its check digit.
    """
    match = _SWEDISH.fullmatch(value)
    if match is not None:
        number = f"{match.group(1)}-{match.group(2)}"
        return number if organisation_number_is_valid(number) else None
    if cvr_number_is_valid(value) or norwegian_organisation_number_is_valid(value):
        return value
    return None
