"""How often the indexer reads the state of a Meilisearch task it waits for."""

from __future__ import annotations

from itertools import accumulate, islice

import pytest

from indexer.tasks import LONGEST_PAUSE_SECONDS, poll_pauses


def test_pauses_start_short_and_grow_to_a_quarter_second() -> None:
    pauses = list(islice(poll_pauses(), 12))
    assert pauses[:3] == pytest.approx([0.025, 0.0375, 0.05625])
    assert pauses == sorted(pauses)
    # The longest pause is reached after about half a second of waiting, then kept.
    waited = list(accumulate(pauses))
    first_longest = pauses.index(LONGEST_PAUSE_SECONDS)
    assert 0.4 < waited[first_longest - 1] < 0.6
    assert set(pauses[first_longest:]) == {LONGEST_PAUSE_SECONDS}
