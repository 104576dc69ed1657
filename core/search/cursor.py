"""Opaque paging cursors: the position of a result within one particular search.

A cursor is URL-safe base64 of ``c1:<fingerprint>:<offset>``. The fingerprint is a short
hash of the search (text, filter, place, order) so that a cursor cannot silently be used
with a different search.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

from core.errors import InputError

VERSION = "c1"
MAX_OFFSET = 1_000_000
_URL_SAFE = bytes.maketrans(b"+/", b"-_")
_PAYLOAD = re.compile(rf"{VERSION}:([0-9a-f]{{12}}):(0|[1-9][0-9]{{0,6}})")


def fingerprint(*parts: object) -> str:
    """A stable short hash of the parts' ``repr`` (frozen dataclasses and enums)."""
    digest = hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=6)
    return digest.hexdigest()


def encode_cursor(search_fingerprint: str, offset: int) -> str:
    """The cursor of the result at ``offset`` (0-based)."""
    payload = f"{VERSION}:{search_fingerprint}:{offset}".encode("ascii")
    encoded = binascii.b2a_base64(payload, newline=False).translate(_URL_SAFE)
    return encoded.rstrip(b"=").decode("ascii")  # URL-safe base64, unpadded


def decode_cursor(cursor: str, search_fingerprint: str, argument: str = "after") -> int:
    """The offset a cursor stands for; :class:`InputError` if malformed or foreign."""
    if not cursor or len(cursor) > 64 or not cursor.isascii():
        raise InputError(argument, "malformed cursor")
    try:
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        text = raw.decode("ascii")
    except (binascii.Error, ValueError):
        raise InputError(argument, "malformed cursor") from None
    match = _PAYLOAD.fullmatch(text)
    if match is None:
        raise InputError(argument, "malformed cursor")
    if match.group(1) != search_fingerprint:
        raise InputError(argument, "the cursor belongs to a different search")
    offset = int(match.group(2))
    if offset > MAX_OFFSET:
        raise InputError(argument, "malformed cursor")
    return offset
