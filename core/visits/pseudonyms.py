"""Keyed hashes that let Redis index people without holding their details in clear."""

from __future__ import annotations

import hmac

from core.visits.addresses import canonical_address


def _digest(secret_key: str, purpose: str, value: str) -> str:
    message = f"{purpose}\x00{value}".encode()
    return hmac.digest(secret_key.encode(), message, "sha256").hex()[:40]  # one-shot, in C


def email_digest(secret_key: str, email: str) -> str:
    """The HMAC of the canonical form of an email address (one per mailbox: case-folded,
    ``+tag`` removed, see :mod:`core.visits.addresses`)."""
    return _digest(secret_key, "email", canonical_address(email))


def client_digest(secret_key: str, address: str) -> str:
    """The HMAC of a client IP address (an IP address is personal data too)."""
    return _digest(secret_key, "client", address)
