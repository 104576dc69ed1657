"""The participation fee by education level of Danish courses."""

from __future__ import annotations

import pytest

from core.search.fees import EducationLevel, danish_fee_for

LOW, HIGHER = EducationLevel.UP_TO_VOCATIONAL, EducationLevel.HIGHER
BY_LEVEL = {"type": "by_education_level", "lowFee": 180, "fullFee": 1275}


def test_the_low_fee_up_to_vocational_level_and_the_full_fee_with_a_higher_education() -> None:
    assert danish_fee_for(BY_LEVEL, LOW) == 180
    assert danish_fee_for(BY_LEVEL, HIGHER) == 1275


@pytest.mark.parametrize("reason", ["education_social_health", "skills_assessment",
                                    "basic_skills_with_course"])
def test_an_exempt_course_costs_nothing_at_any_level(reason: str) -> None:
    rule = {"type": "exempt", "reason": reason}
    assert danish_fee_for(rule, LOW) == danish_fee_for(rule, HIGHER) == 0


def test_a_course_without_a_danish_rule_has_no_such_fee() -> None:
    assert danish_fee_for(None, LOW) is None
    assert danish_fee_for(None, HIGHER) is None
