"""The API over the session's sample index, and the sample's courses as read from the feeds."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.conftest import SampleIndex
from tests.integration.search_support import Api, FeedCourse, feed_courses, running_api


@pytest.fixture(scope="module")
async def api(sample_index: SampleIndex) -> AsyncIterator[Api]:
    async with running_api(sample_index.settings) as running:
        yield running


@pytest.fixture(scope="module")
def courses(sample_index: SampleIndex) -> list[FeedCourse]:
    return feed_courses(sample_index.feeds)
