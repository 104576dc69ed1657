"""``parse_feed``: a feed's bytes, as the CLI reads a file and the feed API an upload."""

from __future__ import annotations

import codecs
import json

from core.reference import load_reference
from indexer.feed import Feed, Rejection, parse_feed
from tests.factories import make_course, make_feed

REFERENCE = load_reference()


def test_a_feed_with_a_utf8_byte_order_mark_is_read() -> None:
    body = codecs.BOM_UTF8 + json.dumps(make_feed([make_course("A")])).encode()
    result = parse_feed(body, "feed.json", REFERENCE)
    assert isinstance(result, Feed) and [c["id"] for c in result.courses] == ["A"]


def test_bytes_that_are_not_json_are_named_as_such() -> None:
    for body in (b"\xff\xfe{}", b'{"schemaVersion": "1.0",', b""):
        result = parse_feed(body, "feed.json", REFERENCE)
        assert isinstance(result, Rejection), body
        assert (result.file, result.record_id, result.field) == ("feed.json", "(file)", "(file)")
        assert result.reason.startswith("is not valid JSON: "), result.reason
