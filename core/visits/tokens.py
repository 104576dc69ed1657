"""Signed, expiring tokens of the email links: ids and an action, nothing personal.

A token is ``[registration id, action, expiry]`` serialised and signed with the secret
key (itsdangerous, HMAC-SHA1 over a salted derived key). Anyone can read a token; nobody
without the secret key can make or change one. Whether the action is still possible is
decided by the registration's state, so a replayed token changes nothing.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "studyvisit.link.v1"


class TokenAction(StrEnum):
    CONFIRM = "confirm"
    DECLINE = "decline"
    CANCEL = "cancel"
    ERASE = "erase"
    CLAIM = "claim"  # a seat offered from the waitlist


class TokenProblem(StrEnum):
    INVALID = "invalid"
    EXPIRED = "expired"


class TokenError(Exception):
    """The token is not one of ours (tampered, truncated) or has expired."""

    def __init__(self, problem: TokenProblem) -> None:
        self.problem = problem
        super().__init__(f"link token {problem.value}")


@dataclass(frozen=True, slots=True)
class TokenClaims:
    registration_id: str
    action: TokenAction
    expires_at: int


@lru_cache(maxsize=8)
def serializer(secret_key: str, salt: str) -> URLSafeSerializer:
    """itsdangerous's URL-safe serializer for the key and salt, built once (every email
    signs two or three links). HMAC-SHA1 as itsdangerous's default, but given
    ``hashlib.sha1`` itself: the default's lazy wrapper is a Python function, which sends
    every HMAC through ``hmac``'s pure-Python path. The tokens are the same."""
    return URLSafeSerializer(secret_key, salt=salt,
                             signer_kwargs={"digest_method": hashlib.sha1})


def _serializer(secret_key: str) -> URLSafeSerializer:
    return serializer(secret_key, SALT)


def issue(secret_key: str, registration_id: str, action: TokenAction, expires_at: int) -> str:
    """A token allowing ``action`` on the registration until ``expires_at`` (Unix s)."""
    return str(_serializer(secret_key).dumps([registration_id, action.value, int(expires_at)]))


def verify(secret_key: str, token: str, now: float | None = None) -> TokenClaims:
    """The claims of a valid, unexpired token; :class:`TokenError` otherwise."""
    if not token or len(token) > 512:
        raise TokenError(TokenProblem.INVALID)
    serializer = _serializer(secret_key)
    try:
        payload = serializer.loads(token)
    except BadSignature:
        raise TokenError(TokenProblem.INVALID) from None
    if serializer.dumps(payload) != token:  # only the one canonical spelling of a token
        raise TokenError(TokenProblem.INVALID)
    if (
        not isinstance(payload, list)
        or len(payload) != 3
        or not isinstance(payload[0], str)
        or payload[1] not in {a.value for a in TokenAction}
        or not isinstance(payload[2], int)
    ):
        raise TokenError(TokenProblem.INVALID)
    claims = TokenClaims(payload[0], TokenAction(payload[1]), payload[2])
    if claims.expires_at <= (time.time() if now is None else now):
        raise TokenError(TokenProblem.EXPIRED)
    return claims
