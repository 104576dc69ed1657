"""Provider page tokens: scoped to an organisation and a contact, signed, expiring, and
never interchangeable with a registration's link token; CSV cells that could run."""

from __future__ import annotations

import time

import pytest

from api.provider.pages import _cell
from core.settings import Settings
from core.visits.models import Address, Visit
from core.visits.provider_access import (
    issue_provider_token,
    provider_token_for_visit,
    verify_provider_token,
)
from core.visits.pseudonyms import email_digest
from core.visits.tokens import TokenAction, TokenError, TokenProblem, issue

SETTINGS = Settings("http://m", "k" * 16, "redis://r", "s" * 32)


def test_a_token_names_the_organisation_and_the_hashed_contact_only() -> None:
    token = issue_provider_token(SETTINGS, "559012-3450", "Karin@Utbildning.example")
    claims = verify_provider_token(SETTINGS.secret_key, token)
    assert claims.organisation == "5590123450"
    assert claims.contact_digest == email_digest(SETTINGS.secret_key, "karin@utbildning.example")
    assert "karin" not in token.lower()
    assert claims.expires_at == pytest.approx(time.time() + 30 * 86_400, abs=5)


def test_tampered_expired_and_foreign_tokens_are_refused() -> None:
    token = issue_provider_token(SETTINGS, "559012-3450", "karin@utbildning.example")
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), token + "x", "", "x" * 600):
        with pytest.raises(TokenError) as refused:
            verify_provider_token(SETTINGS.secret_key, bad)
        assert refused.value.problem is TokenProblem.INVALID
    with pytest.raises(TokenError) as refused:
        verify_provider_token("o" * 32, token)  # another secret key
    assert refused.value.problem is TokenProblem.INVALID
    old = issue_provider_token(SETTINGS, "559012-3450", "karin@utbildning.example",
                               now=time.time() - 31 * 86_400)
    with pytest.raises(TokenError) as refused:
        verify_provider_token(SETTINGS.secret_key, old)
    assert refused.value.problem is TokenProblem.EXPIRED


def test_a_registration_link_token_is_no_provider_token() -> None:
    link = issue(SETTINGS.secret_key, "5590123450", TokenAction.CONFIRM, int(time.time()) + 60)
    with pytest.raises(TokenError):
        verify_provider_token(SETTINGS.secret_key, link)


def test_the_visit_id_gives_the_organisation() -> None:
    visit = Visit("5590123450-C1~V1", "V1", "5590123450-C1", "T", None, "P", "M",
                  "2030-01-01T10:00:00+01:00", 1893488400, 60, 5, Address("s", "1", "c"),
                  "Karin", "karin@utbildning.example")
    claims = verify_provider_token(SETTINGS.secret_key, provider_token_for_visit(SETTINGS, visit))
    assert claims.organisation == "5590123450"


@pytest.mark.parametrize("value", ["=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1)"])
def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(value: str) -> None:
    assert _cell(value) == "'" + value
    assert _cell("Anna Berg") == "Anna Berg"
