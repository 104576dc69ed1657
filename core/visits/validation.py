"""Validation and normalisation of a registration's input.

Messages are in the jobseeker's language and never repeat the value that was typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from core.visits.models import ErrorCode, FieldError, Language, RegistrationInput

NAME_MIN = 2
NAME_MAX = 100
EMAIL_MAX = 254
EMAIL_LOCAL_MAX = 64
VISIT_ID_MAX = 200
PHONE_MAX = 21  # the longest number _PHONE accepts
# Characters of surrounding or repeated whitespace a raw value may have beyond its field's
# maximum; anything longer is refused on its length alone, before it is looked at.
WHITESPACE_SLACK = 100

# The provider's digits (10: Swedish organisation number, 8: Danish CVR number, 9:
# Norwegian organisation number), its course id, the visit's id.
_VISIT_ID = re.compile(r"[0-9]{8,10}-[A-Za-z0-9_-]{1,64}~[A-Za-z0-9_-]{1,64}")
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{5,19}")
# Zero-width (non-)joiners are part of some scripts' spelling; every other format or
# control character (including bidi overrides) is refused.
_ALLOWED_FORMAT = {"\u200c", "\u200d"}

_MESSAGES: dict[str, dict[Language, str]] = {
    "visit": {
        Language.SV: "Studiebesöket finns inte.",
        Language.EN: "The study visit does not exist.",
        Language.DA: "Studiebesøget findes ikke.",
        Language.NB: "Studiebesøket finnes ikke.",
    },
    "name_length": {
        Language.SV: f"Ange ett namn på {NAME_MIN}–{NAME_MAX} tecken.",
        Language.EN: f"Enter a name of {NAME_MIN} to {NAME_MAX} characters.",
        Language.DA: f"Angiv et navn på {NAME_MIN}–{NAME_MAX} tegn.",
        Language.NB: f"Oppgi et navn på {NAME_MIN}–{NAME_MAX} tegn.",
    },
    "name_chars": {
        Language.SV: "Namnet innehåller otillåtna tecken.",
        Language.EN: "The name contains characters that are not allowed.",
        Language.DA: "Navnet indeholder tegn, der ikke er tilladt.",
        Language.NB: "Navnet inneholder tegn som ikke er tillatt.",
    },
    "email": {
        Language.SV: "Ange en giltig e-postadress, till exempel namn@example.se.",
        Language.EN: "Enter a valid email address, for example name@example.com.",
        Language.DA: "Angiv en gyldig e-mailadresse, for eksempel navn@example.dk.",
        Language.NB: "Oppgi en gyldig e-postadresse, for eksempel navn@example.no.",
    },
    "phone": {
        Language.SV: "Ange ett telefonnummer med 7–15 siffror, till exempel 070-123 45 67.",
        Language.EN: "Enter a phone number of 7 to 15 digits, for example +46 70 123 45 67.",
        Language.DA: "Angiv et telefonnummer med 7–15 cifre, for eksempel 20 12 34 56.",
        Language.NB: "Oppgi et telefonnummer med 7–15 sifre, for eksempel 912 34 567.",
    },
    "consent": {
        Language.SV: "Du behöver godkänna att uppgifterna skickas till utbildningsanordnaren.",
        Language.EN: "You need to agree to your details being shared with the provider.",
        Language.DA: "Du skal give samtykke til, at dine oplysninger sendes til "
                     "uddannelsesudbyderen.",
        Language.NB: "Du må samtykke i at opplysningene dine sendes til kursarrangøren.",
    },
}


def message(key: str, language: Language) -> str:
    return _MESSAGES[key][language]


@dataclass(frozen=True, slots=True)
class RawRegistration:
    """The input as it arrived (strings straight from the client)."""

    visit_id: str
    name: str
    email: str
    phone: str | None
    language: Language
    consent: bool


def validate(raw: RawRegistration) -> RegistrationInput | list[FieldError]:
    """The normalised input, or every problem with it.

    Each field's length is checked first (``len`` of a ``str`` costs nothing), so a huge
    value is refused before any work proportional to its size: no character scan,
    regular expression, hash or call to Redis or Meilisearch.
    """
    lang = raw.language
    errors: list[FieldError] = []
    visit_id = raw.visit_id.strip() if within_raw_limit(raw.visit_id, VISIT_ID_MAX) else ""
    if not valid_visit_id(visit_id):
        errors.append(FieldError("visitId", message("visit", lang), ErrorCode.NOT_FOUND))
    name, name_problem = normalise_name(raw.name)
    if name_problem is not None:
        errors.append(FieldError("name", message(name_problem, lang), ErrorCode.INVALID))
    email = normalise_email(raw.email)
    if email is None:
        errors.append(FieldError("email", message("email", lang), ErrorCode.INVALID))
    phone = None
    if raw.phone is not None and not _blank(raw.phone, PHONE_MAX):
        phone = normalise_phone(raw.phone)
        if phone is None:
            errors.append(FieldError("phone", message("phone", lang), ErrorCode.INVALID))
    if not raw.consent:
        errors.append(
            FieldError("consent", message("consent", lang), ErrorCode.CONSENT_REQUIRED)
        )
    if errors or name is None or email is None:
        return errors
    return RegistrationInput(visit_id, name, email, phone, lang, True)


def within_raw_limit(value: str, limit: int) -> bool:
    """Whether ``value`` is short enough to be looked at: ``limit`` (the longest valid
    value) plus :data:`WHITESPACE_SLACK` for surrounding or repeated whitespace."""
    return len(value) <= limit + WHITESPACE_SLACK


def _blank(value: str, limit: int) -> bool:
    """Whitespace only (an optional field left empty), checked within the raw limit."""
    return within_raw_limit(value, limit) and not value.strip()


def normalise_name(value: str) -> tuple[str | None, str | None]:
    """The name with runs of whitespace collapsed, or the key of the message saying why
    it is not one."""
    if not within_raw_limit(value, NAME_MAX):
        return None, "name_length"
    if has_forbidden_characters(value):
        return None, "name_chars"
    name = " ".join(value.split())
    if not NAME_MIN <= len(name) <= NAME_MAX or not any(c.isalpha() for c in name):
        return None, "name_length"
    return name, None


def valid_visit_id(value: str) -> bool:
    return len(value) <= VISIT_ID_MAX and _VISIT_ID.fullmatch(value) is not None


def has_forbidden_characters(value: str) -> bool:
    """Control, format, surrogate, private-use, unassigned and line-separator characters.

    Plain spaces and tabs are allowed (and collapsed by the caller); CR and LF are not.
    """
    for char in value:
        if char in (" ", "\t") or char in _ALLOWED_FORMAT:
            continue
        category = unicodedata.category(char)
        if category[0] == "C" or category in ("Zl", "Zp"):
            return True
    return False


def normalise_email(value: str) -> str | None:
    """The address with its domain lower-cased, or ``None`` when it is not one.

    Only ASCII addresses are accepted: every SMTP server takes them.
    """
    if not within_raw_limit(value, EMAIL_MAX):
        return None
    email = value.strip()
    if not email.isascii() or len(email) > EMAIL_MAX or email.count("@") != 1:
        return None
    local, domain = email.split("@")
    if len(local) > EMAIL_LOCAL_MAX or _EMAIL_LOCAL.fullmatch(local) is None:
        return None
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels):
        return None
    if not labels[-1].isalpha() or len(labels[-1]) < 2:
        return None
    return f"{local}@{domain.lower()}"


def normalise_phone(value: str) -> str | None:
    """The number with runs of spaces collapsed, or ``None`` when it is not one."""
    if not within_raw_limit(value, PHONE_MAX) or has_forbidden_characters(value):
        return None
    phone = " ".join(value.split())
    if _PHONE.fullmatch(phone) is None:
        return None
    digits = sum(c.isdigit() for c in phone)
    if not 7 <= digits <= 15:
        return None
    return phone
