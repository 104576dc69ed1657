"""The "my study visits" token: the address's keyed hash only, signed, expiring after
``MY_LINK_HOURS``, and never interchangeable with a provider's or a registration's token."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from core.settings import Settings
from core.visits.my_registrations import issue_my_token, verify_my_token
from core.visits.provider_access import issue_provider_token, verify_provider_token
from core.visits.pseudonyms import email_digest
from core.visits.tokens import TokenAction, TokenError, TokenProblem, issue, verify

SETTINGS = Settings("http://m", "k" * 16, "redis://r", "s" * 32)
ADDRESS = "lisa.holm@example.se"


def _problem(check: Callable[[], object]) -> TokenProblem:
    with pytest.raises(TokenError) as refused:
        check()
    return refused.value.problem


def test_a_token_holds_the_hash_of_the_address_and_lasts_my_link_hours() -> None:
    digest = email_digest(SETTINGS.secret_key, ADDRESS)
    token = issue_my_token(SETTINGS, digest)
    assert verify_my_token(SETTINGS.secret_key, token) == digest
    assert "lisa" not in token.lower() and "example" not in token.lower()
    hours = SETTINGS.my_link_hours * 3600
    assert verify_my_token(SETTINGS.secret_key, token, now=time.time() + hours - 60) == digest
    assert _problem(lambda: verify_my_token(SETTINGS.secret_key, token,
                                            now=time.time() + hours + 60)
                    ) is TokenProblem.EXPIRED


def test_tampered_foreign_key_and_oversized_tokens_are_invalid() -> None:
    token = issue_my_token(SETTINGS, email_digest(SETTINGS.secret_key, ADDRESS))
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), token + "x", "", "x" * 300):
        assert _problem(lambda bad=bad: verify_my_token(SETTINGS.secret_key, bad)
                        ) is TokenProblem.INVALID
    assert _problem(lambda: verify_my_token("o" * 32, token)) is TokenProblem.INVALID


def test_no_other_kind_of_token_passes_for_another() -> None:
    mine = issue_my_token(SETTINGS, email_digest(SETTINGS.secret_key, ADDRESS))
    provider = issue_provider_token(SETTINGS, "559012-3450", "karin@utbildning.example")
    link = issue(SETTINGS.secret_key, "r1", TokenAction.CANCEL, int(time.time()) + 60)
    for other in (provider, link):
        assert _problem(lambda other=other: verify_my_token(SETTINGS.secret_key, other)
                        ) is TokenProblem.INVALID
    assert _problem(lambda: verify_provider_token(SETTINGS.secret_key, mine)
                    ) is TokenProblem.INVALID
    assert _problem(lambda: verify(SETTINGS.secret_key, mine)) is TokenProblem.INVALID
