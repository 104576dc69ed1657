import time

import pytest
from itsdangerous import URLSafeSerializer

from core.visits import my_registrations, provider_access
from core.visits.tokens import (
    SALT,
    TokenAction,
    TokenError,
    TokenProblem,
    issue,
    serializer,
    verify,
)

KEY = "k" * 40


def test_a_token_carries_only_the_id_the_action_and_the_expiry() -> None:
    expires = int(time.time()) + 60
    token = issue(KEY, "reg1", TokenAction.CONFIRM, expires)
    claims = verify(KEY, token)
    assert (claims.registration_id, claims.action, claims.expires_at) == (
        "reg1", TokenAction.CONFIRM, expires)
    assert URLSafeSerializer(KEY, salt=SALT).loads(token) == ["reg1", "confirm", expires]


@pytest.mark.parametrize("salt", [SALT, my_registrations.SALT, provider_access.SALT])
def test_the_kept_serializer_signs_as_itsdangerous_default(salt: str) -> None:
    """Links in emails already sent keep working: the same bytes as before."""
    payload = ["reg1", "erase", 1_900_000_000]
    assert serializer(KEY, salt).dumps(payload) == URLSafeSerializer(KEY, salt=salt).dumps(payload)
    assert serializer(KEY, salt) is serializer(KEY, salt)
    assert serializer(KEY, salt).dumps(payload) != serializer("j" * 40, salt).dumps(payload)


def test_an_expired_token_is_refused() -> None:
    token = issue(KEY, "reg1", TokenAction.CANCEL, 1000)
    with pytest.raises(TokenError) as raised:
        verify(KEY, token, now=1000)
    assert raised.value.problem is TokenProblem.EXPIRED
    assert verify(KEY, token, now=999).action is TokenAction.CANCEL


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"),
    lambda t: t[:10] + ("x" if t[10] != "x" else "y") + t[11:],
    lambda t: t.split(".")[0],
    lambda t: "",
    lambda t: t + "=",
    lambda t: t * 10,
])
def test_tampered_tokens_are_invalid(mangle: object) -> None:
    token = issue(KEY, "reg1", TokenAction.CONFIRM, int(time.time()) + 60)
    with pytest.raises(TokenError) as raised:
        verify(KEY, mangle(token))  # type: ignore[operator]
    assert raised.value.problem is TokenProblem.INVALID


def test_tokens_of_another_key_or_purpose_are_invalid() -> None:
    expires = int(time.time()) + 60
    for token in (
        issue("o" * 40, "reg1", TokenAction.CONFIRM, expires),
        URLSafeSerializer(KEY, salt="other").dumps(["reg1", "confirm", expires]),
        URLSafeSerializer(KEY, salt=SALT).dumps(["reg1", "delete-everything", expires]),
        URLSafeSerializer(KEY, salt=SALT).dumps({"r": "reg1"}),
    ):
        with pytest.raises(TokenError):
            verify(KEY, str(token))


def test_error_texts_hold_nothing_of_the_token() -> None:
    with pytest.raises(TokenError) as raised:
        verify(KEY, "secret-looking-token")
    assert "secret" not in str(raised.value)
