"""Organisation numbers as they appear in feed API paths."""

from __future__ import annotations

import re

from indexer.feed import organisation_number_is_valid

_FORM = re.compile(r"([0-9]{6})-?([0-9]{4})")


def canonical_organisation_number(value: str) -> str | None:
    """``NNNNNN-NNNN`` (the feed's own form) for 10 digits with or without the hyphen and
    a valid check digit (the feed validation's Luhn check); None for anything else."""
    match = _FORM.fullmatch(value)
    if match is None:
        return None
    number = f"{match.group(1)}-{match.group(2)}"
    return number if organisation_number_is_valid(number) else None
