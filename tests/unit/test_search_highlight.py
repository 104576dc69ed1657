"""Highlighting parameters: only the attributes asked for; cropping only for descriptions."""

from __future__ import annotations

import pytest

from core.search.highlight import CROP_MARKER, POST_TAG, PRE_TAG, search_parameters


def test_titles_are_highlighted_without_cropping() -> None:
    assert search_parameters({"titleEn", "title"}) == {
        "attributesToHighlight": ["title", "titleEn"],
        "highlightPreTag": PRE_TAG,
        "highlightPostTag": POST_TAG,
    }


def test_descriptions_are_highlighted_and_cropped() -> None:
    parameters = search_parameters(["descriptionEn", "title"])
    assert parameters["attributesToHighlight"] == ["title", "descriptionEn"]
    assert parameters["attributesToCrop"] == ["descriptionEn"]
    assert parameters["cropMarker"] == CROP_MARKER and parameters["cropLength"] == 24


def test_other_attributes_cannot_be_highlighted() -> None:
    with pytest.raises(ValueError, match="providerName"):
        search_parameters({"title", "providerName"})
