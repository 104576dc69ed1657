import time
from typing import NoReturn

import pytest

from core.visits.models import ErrorCode, Language, RegistrationInput
from core.visits.validation import (
    EMAIL_MAX,
    NAME_MAX,
    PHONE_MAX,
    VISIT_ID_MAX,
    WHITESPACE_SLACK,
    RawRegistration,
    has_forbidden_characters,
    normalise_email,
    normalise_phone,
    validate,
)

VISIT = "5590123450-KURS1~SB1"


def raw(**overrides: object) -> RawRegistration:
    values: dict[str, object] = {
        "visit_id": VISIT, "name": "Ann  Andersson", "email": "Ann.A@Example.SE",
        "phone": " 070-123  45 67 ", "language": Language.SV, "consent": True,
    }
    values.update(overrides)
    return RawRegistration(**values)  # type: ignore[arg-type]


def codes(result: object) -> list[tuple[str | None, ErrorCode]]:
    assert isinstance(result, list)
    return [(e.field, e.code) for e in result]


def test_valid_input_is_normalised() -> None:
    result = validate(raw())
    assert result == RegistrationInput(VISIT, "Ann Andersson", "Ann.A@example.se",
                                       "070-123 45 67", Language.SV, True)


def test_phone_is_optional() -> None:
    for phone in (None, "", "   "):
        result = validate(raw(phone=phone))
        assert isinstance(result, RegistrationInput) and result.phone is None


@pytest.mark.parametrize("name", [
    "Ann\r\nBcc: x@y", "Ann\nAndersson", "Ann\x00", "Ann\u202eevil", "Ann\u2028B",
    "Ann\x1b[31m", "Ann\u200bB",
])
def test_names_with_control_or_format_characters_are_refused(name: str) -> None:
    assert codes(validate(raw(name=name))) == [("name", ErrorCode.INVALID)]


@pytest.mark.parametrize("name", ["A", "  B  ", "A" * 101, "1234", "---"])
def test_names_of_insane_length_or_without_letters_are_refused(name: str) -> None:
    assert codes(validate(raw(name=name))) == [("name", ErrorCode.INVALID)]


@pytest.mark.parametrize("name", ["Åsa Öberg", "José Núñez", "O'Brien-Smith", "李小龍",
                                  "Zoë\tZ", "ครู\u200dไทย", "A" * 100])
def test_real_names_pass(name: str) -> None:
    assert isinstance(validate(raw(name=name)), RegistrationInput)


@pytest.mark.parametrize("email", [
    "", "plain", "a@b", "a@@b.se", "a b@c.se", "a@b .se", ".a@b.se", "a.@b.se", "a..b@c.se",
    "å@b.se", "a@b.s", "a@b.123", "a@-b.se", "a@b-.se", "a\r\n@b.se", "a@b.se\r\nBcc: c@d.se",
    "<a@b.se>", "a@b.se,c@d.se", "x" * 65 + "@b.se", "a@" + "b" * 250 + ".se",
])
def test_malformed_emails_are_refused(email: str) -> None:
    assert normalise_email(email) is None
    assert codes(validate(raw(email=email))) == [("email", ErrorCode.INVALID)]


@pytest.mark.parametrize(("email", "expected"), [
    ("a@b.se", "a@b.se"), (" Ann+tag@Sub.Example.COM ", "Ann+tag@sub.example.com"),
    ("o'neil@x-y.se", "o'neil@x-y.se"),
])
def test_emails_are_trimmed_with_the_domain_lower_cased(email: str, expected: str) -> None:
    assert normalise_email(email) == expected


@pytest.mark.parametrize("phone", ["abc", "12345", "+46 (0)70-123 45 67 890 12", "070\n1234567",
                                   "0701234567890123"])
def test_malformed_phones_are_refused(phone: str) -> None:
    assert normalise_phone(phone) is None


def test_consent_is_required_and_every_problem_is_reported() -> None:
    assert codes(validate(raw(consent=False))) == [("consent", ErrorCode.CONSENT_REQUIRED)]
    assert codes(validate(raw(visit_id="x", name="", email="no", phone="?", consent=False))) == [
        ("visitId", ErrorCode.NOT_FOUND), ("name", ErrorCode.INVALID),
        ("email", ErrorCode.INVALID), ("phone", ErrorCode.INVALID),
        ("consent", ErrorCode.CONSENT_REQUIRED),
    ]


def test_messages_are_localised_and_never_echo_the_input() -> None:
    sv = validate(raw(email="secret-value", language=Language.SV))
    en = validate(raw(email="secret-value", language=Language.EN))
    assert isinstance(sv, list) and isinstance(en, list)
    assert sv[0].message != en[0].message
    assert "secret-value" not in sv[0].message + en[0].message


def test_forbidden_characters() -> None:
    assert not has_forbidden_characters("Ann Andersson\t")
    assert has_forbidden_characters("\u0085")


class _Untouchable(str):
    """A value whose characters must not be looked at: only ``len`` is allowed."""

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise AssertionError("the value was looked at before its length was checked")

    __iter__ = __getitem__ = __contains__ = _refuse
    strip = split = isascii = count = encode = casefold = lower = _refuse


HUGE = 10 * 1024 * 1024


@pytest.mark.parametrize(("field", "expected"), [
    ("name", ("name", ErrorCode.INVALID)),
    ("email", ("email", ErrorCode.INVALID)),
    ("phone", ("phone", ErrorCode.INVALID)),
    ("visit_id", ("visitId", ErrorCode.NOT_FOUND)),
])
def test_a_huge_value_is_refused_on_its_length_before_it_is_looked_at(
        field: str, expected: tuple[str, ErrorCode]) -> None:
    for value in (_Untouchable("a" * HUGE), _Untouchable(" " * HUGE)):
        started = time.perf_counter()
        result = validate(raw(**{field: value}))
        elapsed = time.perf_counter() - started
        assert codes(result) == [expected]
        assert elapsed < 0.5  # a functional bound: the scan it replaces took seconds


@pytest.mark.parametrize(("field", "limit"), [
    ("name", NAME_MAX), ("email", EMAIL_MAX), ("phone", PHONE_MAX), ("visit_id", VISIT_ID_MAX),
])
def test_surrounding_whitespace_within_the_slack_is_still_trimmed(field: str, limit: int) -> None:
    valid = {"name": "Ann Andersson", "email": "ann@example.se", "phone": "070-123 45 67",
             "visit_id": VISIT}[field]
    padding = " " * ((WHITESPACE_SLACK - len(valid) + limit) // 2)
    assert isinstance(validate(raw(**{field: padding + valid + padding})), RegistrationInput)


def test_a_blank_phone_longer_than_the_slack_is_refused_not_taken_as_empty() -> None:
    assert codes(validate(raw(phone=" " * (PHONE_MAX + WHITESPACE_SLACK + 1)))) == [
        ("phone", ErrorCode.INVALID)]
