"""The short reference number of a registration, shown in every email about it.

People quote it on the phone ("reference 4711-0815") and it stays meaningful after the
registration's personal data is erased. It is a digest of the registration id (random
already, so no key is needed), so nothing needs storing; two registrations may share a
reference (one in 10^8), which is fine for quoting alongside the visit's time.
"""

from __future__ import annotations

import hashlib


def short_reference(registration_id: str) -> str:
    """Eight digits, grouped in fours, e.g. ``"4711-0815"``."""
    digest = hashlib.sha256(registration_id.encode()).digest()
    number = int.from_bytes(digest[:8], "big") % 100_000_000
    return f"{number // 10_000:04d}-{number % 10_000:04d}"
