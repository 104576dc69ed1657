"""Media types of ``/graphql`` (GraphQL over HTTP): what a request may be sent as and what
its answer is sent as.

Requests must be ``application/json`` (matched exactly, case-insensitively, with at most a
``charset=utf-8`` parameter). Answers are ``application/graphql-response+json`` when the
``Accept`` header prefers it and ``application/json`` otherwise; a missing ``Accept`` or
``*/*`` gets ``application/json`` (the spec's rule for clients from before the new type).
Both decisions are cached per header value: clients send the same few values, and the
search hot path should not parse them on every request.
"""

from __future__ import annotations

import functools

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
SUPPORTED = (GRAPHQL_RESPONSE, JSON)

_CACHE_SIZE = 256
_MAX_RANGES = 32  # more media ranges than any browser sends: the rest are ignored


@functools.lru_cache(maxsize=_CACHE_SIZE)
def is_json_request(content_type: bytes | None) -> bool:
    """Whether a ``Content-Type`` header value is JSON in UTF-8 (``application/json``,
    any case, optionally with ``charset=utf-8``)."""
    if content_type is None:
        return False
    media, *parameters = content_type.decode("latin-1").split(";")
    if media.strip().lower() != JSON:
        return False
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        name = name.strip().lower()
        if name == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            return False
    return True


@functools.lru_cache(maxsize=_CACHE_SIZE)
def response_media_type(accept: bytes | None) -> str | None:
    """The media type to answer with for an ``Accept`` header value, or ``None`` when the
    client accepts neither supported type (HTTP 406).

    The highest quality wins, then the most specific range; between equals named
    explicitly ``application/graphql-response+json`` wins, between equals matched only by
    a wildcard ``application/json`` does.
    """
    if accept is None or not accept.strip():
        return JSON
    best: tuple[float, int, int] | None = None
    chosen: str | None = None
    for media_range in accept.decode("latin-1").split(",")[:_MAX_RANGES]:
        media, quality = _media_range(media_range)
        if media is None:
            continue
        for candidate in SUPPORTED:
            specificity = _specificity(media, candidate)
            if specificity < 0:
                continue
            explicit_preference = int(candidate == GRAPHQL_RESPONSE) if specificity == 2 \
                else int(candidate == JSON)
            rank = (quality, specificity, explicit_preference)
            if quality > 0 and (best is None or rank > best):
                best, chosen = rank, candidate
    return chosen


def _media_range(text: str) -> tuple[str | None, float]:
    media, *parameters = text.split(";")
    media = media.strip().lower()
    if media.count("/") != 1:
        return None, 0.0
    quality = 1.0
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = min(max(float(value.strip()), 0.0), 1.0)
            except ValueError:
                return None, 0.0
    return media, quality


def _specificity(media_range: str, candidate: str) -> int:
    """2 for an exact match, 1 for ``type/*``, 0 for ``*/*``, -1 for no match."""
    if media_range == candidate:
        return 2
    if media_range == "*/*":
        return 0
    kind, subtype = media_range.split("/")
    if subtype == "*" and candidate.startswith(kind + "/"):
        return 1
    return -1
