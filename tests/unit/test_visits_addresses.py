"""The canonical form of an email address: every spelling of one mailbox, one key."""

from __future__ import annotations

import idna
import pytest

from core.visits.addresses import canonical_address, canonical_domain
from core.visits.models import ErrorCode, Language
from core.visits.pseudonyms import email_digest
from core.visits.validation import RawRegistration, validate

SECRET = "s" * 32


@pytest.mark.parametrize("spelling", [
    "anna@example.se", "Anna@Example.SE", "ANNA@EXAMPLE.SE", "anna+1@example.se",
    "Anna+Jobb@example.se", "anna+a+b+c@EXAMPLE.se", "anna+@example.se", " anna@example.se ",
])
def test_case_and_plus_tags_fold_into_one_mailbox(spelling: str) -> None:
    assert canonical_address(spelling) == "anna@example.se"


def test_other_mailboxes_stay_apart() -> None:
    keys = {canonical_address(a) for a in (
        "anna@example.se", "anna.b@example.se", "anna@example.com", "anna-1@example.se",
        "anna@sub.example.se", "bnna@example.se")}
    assert len(keys) == 6


def test_several_plus_signs_cut_at_the_first() -> None:
    assert canonical_address("a+b+c@x.se") == "a@x.se"
    assert canonical_address("a+b@x.se") == canonical_address("a+c+d@x.se")


def test_a_leading_plus_leaves_an_empty_local_part_shared_by_all_such_tags() -> None:
    assert canonical_address("+tag@x.se") == "@x.se"
    assert canonical_address("+other@X.SE") == canonical_address("+tag@x.se")
    assert canonical_address("+tag@x.se") != canonical_address("tag@x.se")


def test_idn_domains_have_one_ascii_form() -> None:
    ascii_form = idna.encode("smörgås.se").decode()
    assert ascii_form.startswith("xn--")
    for domain in ("smörgås.se", "SMÖRGÅS.SE", ascii_form, ascii_form.upper()):
        assert canonical_domain(domain) == ascii_form
        assert canonical_address(f"Anna+x@{domain}") == f"anna@{ascii_form}"


def test_a_domain_that_is_not_valid_idna_is_still_case_folded() -> None:
    assert canonical_domain("Bad_Name.SE") == "bad_name.se"
    assert canonical_domain("A..B") == "a..b"


def test_gmail_ignores_dots_and_googlemail_is_gmail() -> None:
    expected = "annasvensson@gmail.com"
    for spelling in ("anna.svensson@gmail.com", "A.n.n.a.Svensson+x@Gmail.com",
                     "annasvensson@googlemail.com"):
        assert canonical_address(spelling) == expected
    assert canonical_address("anna.svensson@example.se") == "anna.svensson@example.se"


def test_quoted_local_parts_are_not_accepted_at_all() -> None:
    for email in ('"anna svensson"@example.se', '"anna+x"@example.se', '"a"@b.se'):
        checked = validate(RawRegistration("5590123450-KURS1~SB1", "Ann Andersson", email,
                                           None, Language.EN, True))
        assert isinstance(checked, list)
        assert [(e.field, e.code) for e in checked] == [("email", ErrorCode.INVALID)]


def test_the_email_digest_is_of_the_canonical_form() -> None:
    digest = email_digest(SECRET, "anna@example.se")
    assert email_digest(SECRET, "Anna+Kurs@EXAMPLE.se") == digest
    assert email_digest(SECRET, "anna+1@example.se") == digest
    assert email_digest(SECRET, "anna.b@example.se") != digest
