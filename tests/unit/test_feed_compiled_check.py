"""The compiled course check (jsonschema-rs) never accepts a course jsonschema rejects.

Only the courses the compiled check rejects are explained by jsonschema, so a course it
wrongly accepted would be indexed unchecked. Generated courses of all three countries
are broken at random places with values chosen to sit on the schema's edges (types,
patterns, formats, bounds, trailing newlines) and both validators are asked.
"""

from __future__ import annotations

import copy
import datetime
import random
from collections.abc import Iterator
from typing import Any

from devstack.sample_feeds import generate_feeds
from indexer.feed import _course_validator, _fast_course_validator

EDGE_VALUES: list[Any] = [
    None, True, 0, -1, 7, 1.5, 2**63, 2**70, "", "x", "x" * 300, "abc\n", "a\u0007b",
    "1234", "1234\n", "123 45", "2026-02-30", "2026-02-03", "2026-02-03\n",
    "2026-02-03T10:00:00+01:00", "2026-02-03T10:00:00", "2026-02-03 10:00:00+01:00",
    "2026-02-03T10:00:00Z\n", "https://x.example", "https://x y", "ftp://x.example",
    "a@b", "a@b.example", " a@b.example", "+46701234567\n", [], {}, ["sv", "sv"],
    {"sv": "x"}, {"type": "fixed"}, {"type": "continuous", "durationWeeks": 3},
]


def _places(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if path:
        yield path
    children = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else ())
    for key, child in children:
        yield from _places(child, (*path, key))


def _broken(course: dict[str, Any], rnd: random.Random) -> dict[str, Any]:
    course = copy.deepcopy(course)
    for _ in range(rnd.choice((1, 1, 2))):
        path = rnd.choice(list(_places(course)))
        parent: Any = course
        for key in path[:-1]:
            parent = parent[key]
        roll = rnd.random()
        if roll < 0.15 and isinstance(parent, dict):
            del parent[path[-1]]
        elif roll < 0.2 and isinstance(parent, dict):
            parent["unknownField"] = rnd.choice(EDGE_VALUES)
        else:
            parent[path[-1]] = copy.deepcopy(rnd.choice(EDGE_VALUES))
    return course


def test_the_compiled_check_is_never_more_lenient_than_jsonschema() -> None:
    feeds = generate_feeds(providers=12, courses=120, today=datetime.date(2026, 6, 1),
                           nordic_share=0.3)
    courses = [course for feed in feeds for course in feed["courses"]]
    compiled, reference = _fast_course_validator(), _course_validator()
    assert all(compiled.is_valid(course) for course in courses)
    rnd = random.Random(20)
    accepted = rejected = 0
    for _ in range(3000):
        course = _broken(rnd.choice(courses), rnd)
        if compiled.is_valid(course):
            accepted += 1
            assert not list(reference.iter_errors(course)), course
        else:
            rejected += 1
    assert accepted > 100 and rejected > 1000  # both sides of the line were tried
