"""The sample feed generator: deterministic, realistic and always valid against the contract."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from core.reference import load_reference
from devstack.sample_feeds import (
    dump_feed,
    feed_file_name,
    generate_feeds,
    main,
    write_feeds,
)
from indexer.feed import Feed, organisation_number_is_valid, read_feed, validate_feed

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = ROOT / "data" / "sample"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
REFERENCE = load_reference()
TODAY = date(2026, 11, 23)


@cache
def _feeds(providers: int, courses: int, today: date, seed: int = 20261123) -> list[Any]:
    return generate_feeds(providers=providers, courses=courses, today=today, seed=seed)


def _courses(feeds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [course for feed in feeds for course in feed["courses"]]


def test_same_seed_and_today_give_identical_feeds() -> None:
    first = generate_feeds(providers=6, courses=60, today=TODAY, seed=11)
    second = generate_feeds(providers=6, courses=60, today=TODAY, seed=11)
    assert first == second
    assert [dump_feed(f) for f in first] == [dump_feed(f) for f in second]


def test_a_different_seed_or_today_gives_different_feeds() -> None:
    base = generate_feeds(providers=6, courses=60, today=TODAY, seed=11)
    assert generate_feeds(providers=6, courses=60, today=TODAY, seed=12) != base
    assert generate_feeds(providers=6, courses=60, today=date(2027, 2, 1), seed=11) != base


def test_counts_are_exact_and_every_provider_has_a_course() -> None:
    feeds = _feeds(30, 500, TODAY)
    assert len(feeds) == 30
    counts = [len(feed["courses"]) for feed in feeds]
    assert sum(counts) == 500
    assert min(counts) >= 1
    assert max(counts) > 2 * min(counts)  # spread unevenly
    assert len({feed_file_name(feed) for feed in feeds}) == 30
    for feed in feeds:
        ids = [course["id"] for course in feed["courses"]]
        assert len(ids) == len(set(ids))


def test_too_few_courses_is_an_error() -> None:
    with pytest.raises(ValueError):
        generate_feeds(providers=5, courses=4, today=TODAY)


def test_all_regions_have_courses_once_there_are_21_providers() -> None:
    feeds = generate_feeds(providers=21, courses=21, today=TODAY)
    regions = {
        REFERENCE.region_of(course["location"]["municipalityCode"]).code
        for course in _courses(feeds)
    }
    assert regions == set(REFERENCE.regions)


@pytest.mark.parametrize("today", [TODAY, date(2027, 6, 14)])
def test_generated_feeds_are_accepted_without_rejections(today: date) -> None:
    for feed in _feeds(8, 160, today):
        result = validate_feed(json.loads(dump_feed(feed)), feed_file_name(feed), REFERENCE)
        assert isinstance(result, Feed), result
        assert result.rejections == []
        assert len(result.courses) == len(feed["courses"])


def test_organisation_numbers_are_valid_and_unique() -> None:
    feeds = _feeds(80, 400, TODAY)
    numbers = [feed["provider"]["organisationNumber"] for feed in feeds]
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        assert organisation_number_is_valid(number), number
        assert number.startswith(("55", "802")), number


def test_generated_at_is_six_in_the_morning_stockholm_time() -> None:
    assert _feeds(2, 4, TODAY)[0]["generatedAt"] == "2026-11-23T06:00:00+01:00"
    summer = generate_feeds(providers=2, courses=4, today=date(2027, 6, 14))
    assert summer[0]["generatedAt"] == "2027-06-14T06:00:00+02:00"


@pytest.mark.parametrize(
    "today",
    [TODAY, date(2027, 3, 10), date(2027, 10, 11)],  # the last two span a clock change
)
def test_visits_are_on_weekdays_in_the_coming_weeks_with_stockholm_offsets(today: date) -> None:
    offsets: set[str] = set()
    courses = _courses(_feeds(10, 300, today))
    for course in courses:
        ids = [visit["id"] for visit in course["studyVisits"]]
        assert ids == [f"SB{n}" for n in range(1, len(ids) + 1)]
        for visit in course["studyVisits"]:
            start = datetime.fromisoformat(visit["start"])
            local = start.replace(tzinfo=None)
            assert start.utcoffset() == local.replace(tzinfo=STOCKHOLM).utcoffset(), visit
            assert today + timedelta(weeks=1) <= local.date() <= today + timedelta(weeks=6)
            assert local.weekday() < 5
            assert (9, 0) <= (local.hour, local.minute) <= (15, 0)
            assert visit["durationMinutes"] in (60, 90, 120)
            assert 4 <= visit["capacity"] <= 15
            if course["intake"]["type"] == "fixed":
                assert local.date() < date.fromisoformat(course["intake"]["startDate"])
            offsets.add(visit["start"][-6:])
    assert sum(len(c["studyVisits"]) for c in courses) > len(courses)
    if today != TODAY:
        assert offsets == {"+01:00", "+02:00"}
    else:
        assert offsets == {"+01:00"}


def test_courses_follow_the_programme_rules() -> None:
    courses = _courses(_feeds(40, 1200, TODAY))
    types = Counter(course["programmeType"] for course in courses)
    assert 0.65 < types["labour_market_training"] / len(courses) < 0.85
    assert set(types) == {
        "labour_market_training",
        "work_training",
        "reinforced_work_training",
        "validation",
    }
    for course in courses:
        intake, programme = course["intake"], course["programmeType"]
        if programme == "reinforced_work_training":
            assert course["supervisors"] >= math.ceil(course["places"] / 20)
        if programme == "work_training":
            assert intake == {"type": "continuous", "durationWeeks": intake["durationWeeks"]}
            assert intake["durationWeeks"] in (13, 26, 52)
        if intake["type"] == "fixed":
            start = date.fromisoformat(intake["startDate"])
            end = date.fromisoformat(intake["endDate"])
            assert TODAY < start <= TODAY + timedelta(weeks=26)
            assert start.weekday() == 0
            weeks = (end - start).days // 7 + 1
            assert (2 if programme == "validation" else 4) <= weeks <= 60
            if programme == "validation":
                assert weeks <= 6
        if course["pace"]["type"] == "part_time":
            assert course["pace"]["percent"] in (25, 50, 75)
        assert 8 <= course["places"] <= 30
        occupation = REFERENCE.occupations[course["occupation"]["ssyk"]]
        assert course["occupationField"] == occupation.field
        assert course["occupation"]["name"] == occupation.name_sv


def test_every_email_and_url_uses_the_reserved_example_domain() -> None:
    for feed in _feeds(20, 300, TODAY):
        provider = feed["provider"]
        domain = provider["contact"]["email"].split("@")[1]
        assert domain.endswith(".example")
        if "website" in provider:
            assert urlsplit(provider["website"]).hostname == domain
        for course in feed["courses"]:
            assert course["contact"]["email"].endswith("@" + domain)
            assert urlsplit(course["url"]).hostname == domain
            assert course["url"].endswith("/kurser/" + course["id"])


def test_write_feeds_replaces_old_feeds_only(tmp_path: Path) -> None:
    (tmp_path / "stale.json").write_text("{}", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    feeds = _feeds(3, 9, TODAY)
    paths = write_feeds(feeds, tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.json")) == sorted(p.name for p in paths)
    assert (tmp_path / "notes.txt").exists()
    for feed, path in zip(feeds, paths, strict=True):
        assert path.name == feed["provider"]["organisationNumber"].replace("-", "") + ".json"
        assert path.read_text(encoding="utf-8") == dump_feed(feed)
        assert "\\u00" not in path.read_text(encoding="utf-8")  # å, ä, ö written as such


def test_command_line_writes_what_generate_feeds_returns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "feeds"
    args = ["--out", str(out), "--providers", "3", "--courses", "12"]
    assert main([*args, "--today", "2027-01-04", "--seed", "5"]) == 0
    assert "3 feeds with 12 courses" in capsys.readouterr().out
    expected = generate_feeds(providers=3, courses=12, today=date(2027, 1, 4), seed=5)
    for feed in expected:
        assert (out / feed_file_name(feed)).read_text(encoding="utf-8") == dump_feed(feed)


def test_committed_sample_is_what_the_generator_makes() -> None:
    """If this fails, regenerate: python -m devstack sample --out data/sample --today 2026-11-23
    --nordic-share 0.1."""
    feeds = generate_feeds(providers=80, courses=2000, today=TODAY, nordic_share=0.1)
    committed = {p.name: p for p in SAMPLE_DIR.glob("*.json")}
    assert sorted(committed) == sorted(feed_file_name(feed) for feed in feeds)
    for feed in feeds:
        assert committed[feed_file_name(feed)].read_text(encoding="utf-8") == dump_feed(feed)


def test_committed_sample_covers_every_region_without_rejections() -> None:
    regions: set[str] = set()
    total = 0
    by_country: dict[str, int] = {}
    for path in sorted(SAMPLE_DIR.glob("*.json")):
        result = read_feed(path, REFERENCE)
        assert isinstance(result, Feed), result
        assert result.rejections == []
        country = result.provider.get("country", "SE")
        by_country[country] = by_country.get(country, 0) + len(result.courses)
        if country != "SE":
            continue
        total += len(result.courses)
        regions |= {
            REFERENCE.region_of(c["location"]["municipalityCode"]).code for c in result.courses
        }
    assert total == 2000
    assert regions == set(REFERENCE.regions)
    assert by_country == {"SE": 2000, "DK": 123, "NO": 99}  # 5 and 4 providers


def test_the_nordic_share_adds_danish_and_norwegian_feeds_and_keeps_the_swedish() -> None:
    swedish = generate_feeds(providers=6, courses=60, today=TODAY, seed=11)
    mixed = generate_feeds(providers=6, courses=60, today=TODAY, seed=11, nordic_share=0.25)
    assert mixed[:6] == swedish
    extra = mixed[6:]
    assert [f["provider"]["country"] for f in extra] == ["DK", "NO"]  # 2 of 8 providers
    assert sum(len(f["courses"]) for f in extra) == 20  # a quarter of 80 courses
    for feed in extra:
        result = validate_feed(feed, "feed.json", REFERENCE)
        assert isinstance(result, Feed) and result.rejections == [], result
    assert generate_feeds(providers=6, courses=60, today=TODAY, seed=11,
                          nordic_share=0.25) == mixed
