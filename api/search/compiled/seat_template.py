"""A projected search response whose seats left are filled in per request.

Seats left are read from Redis for every request, so a response that selects them cannot
be cached whole. It is projected once with a marker in place of each seat count: a JSON
string of a NUL character and a random nonce, made anew for each response, which no
document's text can contain between quotes. The body split at the markers, with the
visit (id, capacity) of each, is the template; :meth:`SeatTemplate.fill` joins it with the
counts read for a request, giving the bytes the projection would give with them.

A template lists the study visits that had not started when it was projected: it holds
until the first of them starts (``until``), and is not used after that.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from .course_fields import VisitSource


@dataclass(slots=True)
class SeatMarkers:
    """The projection's seats left: a marker for each visit, in projection order."""

    marker: str = field(default_factory=lambda: "\x00" + os.urandom(8).hex())
    visits: list[tuple[str, int]] = field(default_factory=list)

    def __call__(self, visit: VisitSource) -> str:
        self.visits.append((str(visit.raw["id"]), int(visit.raw["capacity"])))
        return self.marker

    def template(self, body: bytes, until: float = math.inf) -> SeatTemplate:
        """The template of a body projected with these markers."""
        marker = orjson.dumps(self.marker)
        parts = body.split(marker)
        if len(parts) != len(self.visits) + 1:
            raise ValueError("the response's seat markers do not match its visits")
        return SeatTemplate(marker, parts, self.visits, until)


@dataclass(frozen=True, slots=True)
class SeatTemplate:
    marker: bytes  # as it stands in the body
    parts: list[bytes]  # the body around the seat counts
    visits: list[tuple[str, int]]  # (id, capacity) of each seat count
    until: float = math.inf  # Unix time the first visit listed starts

    def visit_ids(self) -> list[str]:
        """The ids whose registrations to count, each once."""
        return list(dict.fromkeys(visit_id for visit_id, _ in self.visits))

    def fill(self, taken: Mapping[str, int]) -> bytes:
        """The response with seats left from ``taken`` (active registrations by visit id)."""
        if not self.visits:
            return self.parts[0]
        pieces = [self.parts[0]]
        for (visit_id, capacity), part in zip(self.visits, self.parts[1:], strict=True):
            pieces.append(str(max(0, capacity - int(taken[visit_id]))).encode())
            pieces.append(part)
        return b"".join(pieces)

    def pack(self, meili: bytes) -> bytes:
        """A cache payload: this template and Meilisearch's answer it was projected from
        (projected anew once the template no longer holds, or while Meilisearch is down)."""
        head = orjson.dumps([len(meili), None if math.isinf(self.until) else self.until,
                             self.marker.decode(), self.visits])
        return b"%d\n" % len(head) + head + meili + self.marker.join(self.parts)


def _head(payload: bytes) -> tuple[int, list[Any]]:
    newline = payload.index(b"\n")
    start = newline + 1 + int(payload[:newline])
    head: list[Any] = orjson.loads(payload[newline + 1:start])
    return start, head


def template_of(payload: bytes) -> SeatTemplate:
    """The template of a payload made by :meth:`SeatTemplate.pack`."""
    start, (meili_size, until, marker, visits) = _head(payload)
    marker_bytes = marker.encode()
    return SeatTemplate(marker_bytes, payload[start + meili_size:].split(marker_bytes),
                        [(visit_id, capacity) for visit_id, capacity in visits],
                        math.inf if until is None else until)


def meili_of(payload: bytes) -> bytes:
    """Meilisearch's answer in a payload made by :meth:`SeatTemplate.pack`."""
    start, head = _head(payload)
    return payload[start:start + head[0]]
