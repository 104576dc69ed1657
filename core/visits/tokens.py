"""Signed, expiring tokens of the email links: ids and an action, nothing personal.

A token is ``[registration id, action, expiry]`` serialised and signed with the secret
key (itsdangerous, HMAC-SHA1 over a salted derived key). Anyone can read a token; nobody
without the secret key can make or change one. Whether the action is still possible is
decided by the registration's state, so a replayed token changes nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

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


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=SALT)


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
