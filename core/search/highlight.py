"""Highlighted text from Meilisearch's ``_formatted`` hits, as safe fragments (pure).

Meilisearch marks matches with tags we choose; private-use characters are used so that
nothing in a course's own text can be mistaken for a mark.
"""

from __future__ import annotations

import html
from collections.abc import Collection
from dataclasses import dataclass

PRE_TAG = "\ue000"
POST_TAG = "\ue001"
CROP_MARKER = "…"
SNIPPET_WORDS = 24

HIGHLIGHTED = ("title", "titleEn")
CROPPED = ("description", "descriptionEn")  # highlighted and cropped to a snippet
HIGHLIGHTABLE = (*HIGHLIGHTED, *CROPPED)


@dataclass(frozen=True, slots=True)
class Fragment:
    """A piece of text and whether it matched the query."""

    text: str
    matched: bool


@dataclass(frozen=True, slots=True)
class Highlighted:
    """A text split into matched and unmatched fragments."""

    fragments: tuple[Fragment, ...]

    @property
    def text(self) -> str:
        return "".join(f.text for f in self.fragments)

    def html(self, tag: str = "mark") -> str:
        """The text HTML-escaped, with matches wrapped in ``<tag>``."""
        return "".join(
            f"<{tag}>{html.escape(f.text)}</{tag}>" if f.matched else html.escape(f.text)
            for f in self.fragments
        )


def split_marks(value: str) -> Highlighted:
    """Split text marked with :data:`PRE_TAG`/:data:`POST_TAG` into fragments."""
    if PRE_TAG not in value:  # most texts of most hits: no match
        text = value.replace(POST_TAG, "")
        return Highlighted((Fragment(text, False),) if text else ())
    first, *marked = value.split(PRE_TAG)
    fragments = [Fragment(first.replace(POST_TAG, ""), False)]
    for part in marked:
        match, _, rest = part.partition(POST_TAG)
        fragments.append(Fragment(match, True))
        fragments.append(Fragment(rest.replace(POST_TAG, ""), False))
    return Highlighted(tuple(f for f in fragments if f.text))


def search_parameters(attributes: Collection[str]) -> dict[str, object]:
    """The parameters that highlight these attributes (of :data:`HIGHLIGHTABLE`) and crop
    those of :data:`CROPPED`; only what is asked for, as Meilisearch copies every
    highlighted attribute into each hit's ``_formatted``."""
    unknown = set(attributes).difference(HIGHLIGHTABLE)
    if unknown:
        raise ValueError(f"cannot highlight {sorted(unknown)}")
    parameters: dict[str, object] = {
        "attributesToHighlight": [name for name in HIGHLIGHTABLE if name in attributes],
        "highlightPreTag": PRE_TAG,
        "highlightPostTag": POST_TAG,
    }
    cropped = [name for name in CROPPED if name in attributes]
    if cropped:
        parameters |= {"attributesToCrop": cropped, "cropLength": SNIPPET_WORDS,
                       "cropMarker": CROP_MARKER}
    return parameters
