"""The search relevance settings: place understanding and the relaxed search of dead ends."""

import pytest

from core.settings import Settings, SettingsError
from tests.unit.test_settings import VALID


def test_place_understanding_and_relaxation_are_on_by_default() -> None:
    settings = Settings.from_env(VALID)
    assert settings.search_interpret_places is True
    assert settings.search_place_radius_km == 0.0
    assert settings.search_relax_dead_ends is True


def test_they_are_parsed() -> None:
    settings = Settings.from_env({**VALID, "SEARCH_INTERPRET_PLACES": "false",
                                  "SEARCH_PLACE_RADIUS_KM": "25", "SEARCH_RELAX_DEAD_ENDS": "no"})
    assert (settings.search_interpret_places, settings.search_place_radius_km,
            settings.search_relax_dead_ends) == (False, 25.0, False)


@pytest.mark.parametrize("value", ["-5", "501", "far"])
def test_a_radius_out_of_range_is_named(value: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({**VALID, "SEARCH_PLACE_RADIUS_KM": value})
    assert "SEARCH_PLACE_RADIUS_KM is malformed" in str(raised.value)
