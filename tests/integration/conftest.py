"""A Meilisearch index loaded once per test session with a sample generated for today."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from meilisearch import Client

from core.reference import load_reference
from core.settings import Settings
from devstack.mailsink import MailSink
from devstack.sample_feeds import generate_feeds
from indexer.documents import to_search_document
from indexer.loader import CourseIndexer
from tests.conftest import MeiliServer, RedisServer, make_settings

SAMPLE_PROVIDERS = 80
SAMPLE_COURSES = 2000


@dataclass(frozen=True)
class SampleIndex:
    """Settings of an index holding exactly ``documents``, built from ``feeds``."""

    settings: Settings
    feeds: list[dict[str, Any]]
    documents: list[dict[str, Any]]


@pytest.fixture(scope="session")
def sample_index(
    meili_server: MeiliServer,
    redis_server: RedisServer,
    smtp_sink: MailSink,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SampleIndex]:
    feeds = generate_feeds(
        providers=SAMPLE_PROVIDERS, courses=SAMPLE_COURSES, today=datetime.date.today()
    )
    folder: Path = tmp_path_factory.mktemp("sample-feeds")
    paths = []
    for number, feed in enumerate(feeds):
        path = folder / f"{number:03d}.json"
        path.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    settings = make_settings(meili_server, redis_server.url, smtp_sink, MEILI_INDEX="sample")
    reference = load_reference()
    client = Client(settings.meili_url, settings.meili_master_key)
    summary = CourseIndexer(client, settings.meili_index, reference, 120).rebuild(paths)
    assert summary.rejected == 0, [str(r) for r in summary.rejections]
    documents = [
        to_search_document(feed["provider"], course, reference)
        for feed in feeds
        for course in feed["courses"]
    ]
    assert summary.indexed == len(documents) == SAMPLE_COURSES
    yield SampleIndex(settings, feeds, documents)
