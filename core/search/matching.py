"""Prefix matching of typed text against known labels (pure), for type-ahead look-ups.

Matching ignores case and diacritics ("malmo" finds "Malmö"); every typed word must be
the start of a word of the label. A label that starts with the text ranks first, then a
label with a word starting with it, then a label merely containing it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+")


def normalise(text: str) -> str:
    """Case-folded, without diacritics, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(normalise(text)))


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str
    texts: tuple[str, ...]  # normalised labels and aliases
    words: tuple[tuple[str, ...], ...]


class PrefixMatcher:
    """Keys found by any of their texts (labels in several languages, aliases, the key)."""

    def __init__(self, entries: Iterable[tuple[str, Sequence[str]]]) -> None:
        self._entries = tuple(
            _Entry(key, tuple(normalise(t) for t in texts), tuple(words(t) for t in texts))
            for key, texts in entries
        )

    def __len__(self) -> int:
        return len(self._entries)

    def match(self, text: str, limit: int) -> list[str]:
        """The best ``limit`` keys for the typed text, best first; none for blank text."""
        typed = normalise(text)
        typed_words = words(text)
        if not typed or not typed_words:
            return []
        ranked: list[tuple[int, int, str]] = []
        for position, entry in enumerate(self._entries):
            rank = min(
                (_rank(typed, typed_words, full, label_words)
                 for full, label_words in zip(entry.texts, entry.words, strict=True)),
                default=None,
            )
            if rank is not None and rank < _NO_MATCH:
                ranked.append((rank, position, entry.key))
        ranked.sort()
        return [key for _, _, key in ranked[:limit]]


_NO_MATCH = 3


def _rank(typed: str, typed_words: tuple[str, ...], full: str,
          label_words: tuple[str, ...]) -> int:
    if full.startswith(typed):
        return 0
    if all(any(w.startswith(t) for w in label_words) for t in typed_words):
        return 1
    if typed in full:
        return 2
    return _NO_MATCH
