"""The contract's Danish and Norwegian example feeds with their first course's one study
visit moved to ten days from now, 10:00-11:00 local time: study visits that tests can
register for, whenever they run."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from indexer.documents import course_document_id, study_visit_id
from tests.conftest import MeiliServer
from tests.integration.visits.conftest import load_feed

EXAMPLES = Path(__file__).resolve().parents[3] / "schema" / "examples" / "valid"
# The feed of each country, by the language of its provider (and its time zone).
FEEDS = {"da": ("denmark-amu.json", "Europe/Copenhagen"),
         "nb": ("norway-amo.json", "Europe/Oslo")}


def visit_start(zone: str) -> datetime.datetime:
    local = datetime.datetime.now(ZoneInfo(zone)) + datetime.timedelta(days=10)
    return local.replace(hour=10, minute=0, second=0, microsecond=0)


def nordic_feed(language: str) -> dict[str, Any]:
    name, zone = FEEDS[language]
    feed: dict[str, Any] = copy.deepcopy(json.loads((EXAMPLES / name).read_text(
        encoding="utf-8")))
    feed["courses"][0]["studyVisits"] = [{"id": "BES1", "start": visit_start(zone).isoformat(),
                                          "durationMinutes": 60, "capacity": 4}]
    return feed


def load_nordic_feeds(meili: MeiliServer, index: str, folder: Path) -> dict[str, dict[str, Any]]:
    """Both feeds loaded into ``index``; the feeds by provider language."""
    feeds = {}
    for language, (name, _) in FEEDS.items():
        feeds[language] = nordic_feed(language)
        load_feed(meili, index, folder / name, feeds[language])
    return feeds


def nordic_visit_id(feed: dict[str, Any]) -> str:
    """The service-wide id of the feed's study visit."""
    organisation = feed["provider"]["organisationNumber"]
    return study_visit_id(course_document_id(organisation, feed["courses"][0]["id"]), "BES1")
