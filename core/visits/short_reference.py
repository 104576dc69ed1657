"""The short reference number of a registration, shown in every email about it.

People quote it on the phone ("reference 4711-0815") and it stays meaningful after the
registration's personal data is erased; it is derived from the registration id (a
keyed-free digest: the id is random already), so nothing needs storing.
"""

from __future__ import annotations

import hashlib


def short_reference(registration_id: str) -> str:
    """Eight digits, grouped in fours, e.g. ``"4711-0815"``."""
    digest = hashlib.sha256(registration_id.encode()).digest()
    number = int.from_bytes(digest[:8], "big") % 100_000_000
    return f"{number // 10_000:04d}-{number % 10_000:04d}"
