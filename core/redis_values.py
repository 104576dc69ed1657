"""Reading Redis replies, which come as bytes unless the client decodes them."""

from __future__ import annotations

from typing import Any


def as_text(value: Any) -> str:
    """A reply value as text."""
    return value.decode() if isinstance(value, bytes) else str(value)
