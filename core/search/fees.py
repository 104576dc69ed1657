""""My fee": the participation fee that applies to a participant's education level (pure).

A Danish AMU course's fee depends on the participant's education level: the low fee up to
and including a vocational education, the full fee with a higher education; an exempt
course (education, social and healthcare fields, individual skills assessments, reading,
writing and mathematics taken with another course) costs nothing. The indexer keeps the
feed's rule as the document's ``danishFee`` (see ``indexer/country_rules.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

DANISH_CURRENCY = "DKK"


class EducationLevel(Enum):
    """The participant's highest completed education, as the Danish fee rule tells them apart."""

    UP_TO_VOCATIONAL = "up_to_vocational"  # the low fee
    HIGHER = "higher"  # the full fee


def danish_fee_for(rule: Mapping[str, Any] | None, level: EducationLevel) -> int | None:
    """The fee in DKK that ``rule`` (a document's ``danishFee``) charges a participant of
    ``level``: 0 when exempt, None when there is no Danish fee rule (a Swedish or Norwegian
    course)."""
    if rule is None:
        return None
    if rule.get("type") != "by_education_level":
        return 0
    return int(rule["lowFee"] if level is EducationLevel.UP_TO_VOCATIONAL else rule["fullFee"])
