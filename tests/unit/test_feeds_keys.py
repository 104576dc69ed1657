"""Provider keys' shape and organisation numbers in feed API paths."""

from __future__ import annotations

import pytest

from core.feeds.organisations import canonical_organisation_number
from core.feeds.provider_keys import key_id_of


@pytest.mark.parametrize(("value", "expected"), [
    ("559301-4789", "559301-4789"),
    ("5593014789", "559301-4789"),
    ("559301-4788", None),  # check digit
    ("55930-14789", None),
    ("559301478", None),
    ("55930147890", None),
    ("559301_4789", None),
    ("５５９３０１-４７８９", None),  # full-width digits are digits to \d, not to us
    ("", None),
])
def test_organisation_numbers_are_ten_digits_with_a_luhn_check(value: str,
                                                               expected: str | None) -> None:
    assert canonical_organisation_number(value) == expected


@pytest.mark.parametrize(("key", "expected"), [
    ("fk_0123456789ab_c2VjcmV0-_x", "0123456789ab"),
    ("fk_0123456789ab_", None),  # no secret
    ("fk_0123456789AB_secret", None),  # ids are lower-case hex
    ("fk_0123456789a_secret", None),
    ("xx_0123456789ab_secret", None),
    ("fk0123456789absecret", None),
    ("", None),
])
def test_a_key_names_its_id(key: str, expected: str | None) -> None:
    assert key_id_of(key) == expected
