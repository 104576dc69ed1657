"""National organisation identifiers: each country's check rule, valid and invalid."""

from __future__ import annotations

import pytest

from core.feeds.organisations import (
    canonical_organisation_number,
    cvr_number_is_valid,
    norwegian_organisation_number_is_valid,
    organisation_id_is_valid,
    organisation_number_is_valid,
)
from core.nordic_reference import Country


@pytest.mark.parametrize(("number", "valid"), [
    ("556610-2348", True),
    ("559301-4789", True),
    ("556610-2349", False),  # check digit
    ("5566102348", True),  # the Luhn check itself ignores the hyphen
    ("556610-234", False),
])
def test_swedish_organisation_numbers_have_a_luhn_check_digit(number: str, valid: bool) -> None:
    assert organisation_number_is_valid(number) is valid


@pytest.mark.parametrize(("number", "valid"), [
    ("13748136", True),  # Erhvervsstyrelsen's worked example (check digit 6)
    ("24256790", True),
    ("39172542", True),
    ("24256791", False),  # check digit
    ("13748137", False),
    ("10000000", False),
    ("1374813", False),  # seven digits
    ("137481360", False),
    ("1374813a", False),
    ("１３７４８１３６", False),  # full-width digits
])
def test_danish_cvr_numbers_pass_modulus_11_with_weights_2765432_1(number: str,
                                                                   valid: bool) -> None:
    assert cvr_number_is_valid(number) is valid


@pytest.mark.parametrize(("number", "valid"), [
    ("123456785", True),  # Brønnøysundregistrene's worked example (check digit 5)
    ("992831405", True),
    ("701730496", True),
    ("123456784", False),  # check digit
    ("992831404", False),
    ("12345678", False),  # eight digits
    ("1234567850", False),
    ("12345678-", False),
])
def test_norwegian_organisation_numbers_pass_modulus_11_with_weights_32765432(
        number: str, valid: bool) -> None:
    assert norwegian_organisation_number_is_valid(number) is valid


def test_a_check_digit_of_ten_is_never_valid() -> None:
    # 00000010: weights 3,2,7,6,5,4,3,2 give 2, so the check digit would be 11 - 2 = 9;
    # find eight digits whose remainder is 1 (check digit 10) and try every last digit.
    first_eight = next(f"{n:08d}" for n in range(10**8)
                       if sum(int(d) * w for d, w in zip(f"{n:08d}", (3, 2, 7, 6, 5, 4, 3, 2),
                                                          strict=True)) % 11 == 1)
    assert not any(norwegian_organisation_number_is_valid(first_eight + d) for d in "0123456789")


@pytest.mark.parametrize(("country", "number", "valid"), [
    (Country.SE, "556610-2348", True),
    (Country.SE, "5566102348", False),  # a feed writes the hyphen
    (Country.DK, "39172542", True),
    (Country.DK, "992831405", False),  # a Norwegian number is not a CVR number
    (Country.NO, "992831405", True),
    (Country.NO, "39172542", False),
])
def test_each_country_checks_its_own_identifier(country: Country, number: str,
                                                valid: bool) -> None:
    assert organisation_id_is_valid(country, number) is valid


@pytest.mark.parametrize(("value", "expected"), [
    ("39172542", "39172542"),
    ("39172543", None),
    ("992831405", "992831405"),
    ("992831404", None),
    ("5566102348", "556610-2348"),
])
def test_api_paths_take_each_countrys_identifier(value: str, expected: str | None) -> None:
    assert canonical_organisation_number(value) == expected
