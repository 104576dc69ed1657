"""Study visits in four languages: every text and template exists in each language that
uses it (a missing translation fails here), times in the zone of the course's country,
dates written as each language writes them, and the provider addressed in its country's
language."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jinja2
import pytest
from jinja2 import meta

from api.jobseeker import pages as jobseeker_pages
from api.provider import link_request
from api.provider.text import TEXT as PROVIDER_TEXT
from api.visits.decline_reasons import LABELS
from api.visits.pages_text import TEXT as LINK_TEXT
from core.nordic_reference import Country
from core.visits import ics, my_registrations, ratelimit, service, validation
from core.visits.codec import decode_hash, encode_registration
from core.visits.formatting import moment, moment_when, visit_date, visit_when, zone_of
from core.visits.language_names import NAMES
from core.visits.models import COUNTRY_LANGUAGES, Language, Visit
from core.visits.provider_access import provider_page_url
from core.visits.visit_records import visit_from_record, visit_records
from tests.integration.visits.mail_helpers import validate_ics
from tests.unit.test_emails import REGISTRATION, SETTINGS, VISIT
from workers import emails
from workers.emails import MailKind, render

TEMPLATES = Path(emails.__file__).parent / "templates"
ALL = set(Language)
PROVIDER_LANGUAGES = set(COUNTRY_LANGUAGES.values())
DANISH_VISIT = dataclasses.replace(VISIT, country=Country.DK)
NORWEGIAN_VISIT = dataclasses.replace(VISIT, country=Country.NO)


def _same_keys(texts: Mapping[Any, Mapping[Any, str]], languages: set[Language]) -> None:
    """``texts`` (language → key → text) has every language, each with the same keys and
    no empty text."""
    assert set(texts) == languages
    keys = set(texts[Language.SV])
    for language in languages:
        assert set(texts[language]) == keys, (language, set(texts[language]) ^ keys)
        assert all(value.strip() for value in texts[language].values()), language


def _every_language(texts: Mapping[Any, Mapping[Any, str]]) -> None:
    """``texts`` (key → language → text): every key in every language."""
    for key, by_language in texts.items():
        assert set(by_language) == {lang.value for lang in ALL} or set(by_language) == ALL, key
        assert all(value.strip() for value in by_language.values()), key


def test_every_page_text_exists_in_every_language() -> None:
    _same_keys(LINK_TEXT, ALL)
    _same_keys(PROVIDER_TEXT, ALL)
    _same_keys(link_request._TEXT, ALL)
    _same_keys({lang: {str(k): v for k, v in labels.items()} for lang, labels in LABELS.items()},
               ALL)
    for table in (jobseeker_pages._TITLE, jobseeker_pages._NONE, jobseeker_pages._ICS,
                  jobseeker_pages._IN_LANGUAGE, my_registrations._LIMITED, ics.SUMMARY):
        assert set(table) == ALL and all(text.strip() for text in table.values())
    for language in ALL:  # each registration language has its name on the pages
        for other in ALL:
            assert LINK_TEXT[language][f"lang_{other.value}"]


def test_every_error_and_email_text_exists_in_every_language() -> None:
    _every_language(validation._MESSAGES)
    _every_language({str(limit): texts for limit, texts in ratelimit._MESSAGES.items()})
    _every_language({str(k): texts for k, (_, _, texts) in service._FAILURES.items()})
    _every_language({"passed": service._PASSED, "closed": service._CLOSED})
    _same_keys({lang: {str(k): v for k, v in reasons.items()}
                for lang, reasons in emails._DECLINE_REASONS.items()}, ALL)
    _same_keys({lang: {str(k): v for k, v in names.items()}
                for lang, names in NAMES.items()}, ALL)


def _variables(name: str) -> set[str]:
    """The names a template reads, with the templates it extends or includes named
    without their language."""
    environment = jinja2.Environment()
    parsed = environment.parse((TEMPLATES / name).read_text(encoding="utf-8"))
    language = name.split(".")[-2]
    used = set(meta.find_undeclared_variables(parsed))
    linked = {str(ref).replace(f".{language}.", ".LANG.")
              for ref in meta.find_referenced_templates(parsed) if ref}
    return used | linked


def _template_names() -> set[str]:
    """Templates written once per language (``name.LANG.fmt``), not the shared layout."""
    return {path.name.split(".")[0] for path in TEMPLATES.iterdir()
            if path.name.count(".") == 2}


def test_one_layout_serves_every_language_with_its_own_words() -> None:
    assert {path.name for path in TEMPLATES.glob("base.*")} == {"base.txt", "base.html"}
    assert set(emails.LAYOUTS) == set(Language)
    words = {(layout.regards, layout.service) for layout in emails.LAYOUTS.values()}
    assert len(words) == len(Language)  # each language signs in its own words


@pytest.mark.parametrize("name", sorted(_template_names()))
def test_every_template_exists_in_each_of_its_languages_and_reads_the_same_values(
        name: str) -> None:
    """The jobseeker's templates in all four languages; the provider's in its countries'
    languages (Swedish, Danish, Norwegian). A translation reads the same values, extends
    and includes the same templates as the Swedish one: none drops a link or a field."""
    languages = PROVIDER_LANGUAGES if name.startswith("provider_") else ALL
    formats = ("html",) if name in ("provider_decision_buttons",
                                    "provider_registration_details") else ("txt", "html")
    present = {path.name for path in TEMPLATES.glob(f"{name}.*")}
    assert present == {f"{name}.{lang.value}.{fmt}" for lang in languages for fmt in formats}
    for fmt in formats:
        swedish = _variables(f"{name}.sv.{fmt}")
        for language in languages:
            assert _variables(f"{name}.{language.value}.{fmt}") == swedish, (language, fmt)


@pytest.mark.parametrize(("visit", "language", "when", "date"), [
    (VISIT, Language.SV, "tisdag 2 mars 2027 kl. 10:00–11:30", "2 mars"),
    (VISIT, Language.EN, "Tuesday 2 March 2027, 10:00–11:30", "2 March"),
    (DANISH_VISIT, Language.DA, "tirsdag den 2. marts 2027 kl. 10.00–11.30", "2. marts"),
    (NORWEGIAN_VISIT, Language.NB, "tirsdag 2. mars 2027 kl. 10.00–11.30", "2. mars"),
    (DANISH_VISIT, Language.EN, "Tuesday 2 March 2027, 10:00–11:30", "2 March"),
])
def test_dates_are_written_as_each_language_writes_them(visit: Visit, language: Language,
                                                        when: str, date: str) -> None:
    assert visit_when(visit, language) == when  # 09:00 UTC
    assert visit_date(visit, language) == date


def test_the_zone_is_the_course_countrys_also_in_summer_time() -> None:
    assert [zone_of(v).key for v in (VISIT, DANISH_VISIT, NORWEGIAN_VISIT)] == [
        "Europe/Stockholm", "Europe/Copenhagen", "Europe/Oslo"]
    summer = dataclasses.replace(NORWEGIAN_VISIT, start_ts=1_813_046_400)  # 2027-06-15 08:00Z
    assert visit_when(summer, Language.NB) == "tirsdag 15. juni 2027 kl. 10.00–11.30"
    zone = zone_of(DANISH_VISIT)
    assert moment(1_800_000_000, Language.DA, zone) == "15. januar kl. 09.00"  # 08:00Z
    assert moment_when(1_800_000_000, Language.DA, zone) == "fredag den 15. januar kl. 09.00"
    assert moment_when(1_800_000_000, Language.NB, zone) == "fredag 15. januar kl. 09.00"
    assert moment_when(1_800_000_000, Language.SV, zone) == "fredag 15 januari kl. 09:00"


@pytest.mark.parametrize(("country", "zone", "summary"), [
    (Country.DK, "Europe/Copenhagen", "Studiebesøg: "), (Country.NO, "Europe/Oslo",
                                                          "Studiebesøk: ")])
def test_the_invitation_has_the_country_zone_and_the_registration_language(
        country: Country, zone: str, summary: str) -> None:
    language = COUNTRY_LANGUAGES[country]
    registration = dataclasses.replace(
        REGISTRATION, language=language, visit=dataclasses.replace(VISIT, country=country))
    event = validate_ics(ics.invitation(registration, "studiebesok.example",
                                        VISIT.contact_email, now=1_800_000_000))
    assert event["TZID"] == zone
    assert (event["DTSTART"], event["DTEND"]) == ("20270302T100000", "20270302T113000")
    assert event["SUMMARY"] == summary + VISIT.course_title


@pytest.mark.parametrize(("country", "jobseeker", "subject", "language_line", "receipt"), [
    (Country.DK, Language.SV, "Ny tilmelding ", "Sprog:       svensk",
     "Din anmälan till studiebesök: "),
    (Country.NO, Language.EN, "Ny påmelding ", "Språk:       engelsk",
     "Your registration for a study visit: "),
    (Country.DK, Language.DA, "Ny tilmelding ", "Sprog:       dansk",
     "Din tilmelding til studiebesøg: "),
    (Country.NO, Language.NB, "Ny påmelding ", "Språk:       norsk (bokmål)",
     "Påmeldingen din til studiebesøk: "),
    (Country.SE, Language.DA, "Ny anmälan ", "Språk:       danska",
     "Din tilmelding til studiebesøg: "),
])
def test_the_provider_reads_its_countrys_language_the_jobseeker_their_own(
        country: Country, jobseeker: Language, subject: str, language_line: str,
        receipt: str) -> None:
    registration = dataclasses.replace(
        REGISTRATION, language=jobseeker, visit=dataclasses.replace(VISIT, country=country))
    provider_subject, provider_text, provider_page = render(
        MailKind.PROVIDER_NOTIFICATION, registration, SETTINGS)
    assert provider_subject.startswith(subject) and language_line in provider_text
    assert f'<html lang="{COUNTRY_LANGUAGES[country].value}">' in provider_page
    assert render(MailKind.JOBSEEKER_RECEIPT, registration, SETTINGS)[0].startswith(receipt)


def test_the_provider_page_link_opens_in_the_provider_language() -> None:
    def lang_of(visit: Visit) -> list[str]:
        return parse_qs(urlsplit(provider_page_url(SETTINGS, visit)).query).get("lang", [])
    assert (lang_of(VISIT), lang_of(DANISH_VISIT), lang_of(NORWEGIAN_VISIT)) == (
        [], ["da"], ["nb"])


def test_the_country_is_kept_with_the_visit_and_older_records_are_swedish() -> None:
    registration = dataclasses.replace(REGISTRATION, visit=NORWEGIAN_VISIT)
    fields = encode_registration(registration, "digest")
    assert decode_hash(fields).visit.country is Country.NO
    assert decode_hash({k: v for k, v in fields.items() if k != "country"}
                       ).visit.country is Country.SE
    document = {"id": "992831405-AMO-1", "title": "Truckfører", "providerName": "Vest AS",
                "municipalityName": "Bergen", "country": "NO",
                "contact": {"name": "Ingrid Haugen", "email": "ingrid@vest.example"},
                "studyVisits": [{"id": "992831405-AMO-1~B1", "visitId": "B1",
                                 "start": "2027-02-10T13:00:00+01:00", "startTs": 1802260800,
                                 "durationMinutes": 90, "capacity": 10,
                                 "address": {"street": "Kokstadvegen 21", "postalCode": "5257",
                                             "city": "Kokstad"}}]}
    (record,) = visit_records(document).values()
    assert visit_from_record(record).country is Country.NO


@pytest.mark.parametrize(("value", "default", "expected"), [
    ("da", None, Language.DA), ("nb", None, Language.NB), ("en", None, Language.EN),
    (None, None, Language.SV), ("xx", None, Language.SV), (None, Language.NB, Language.NB),
    ("", Language.DA, Language.DA), ("sv", Language.DA, Language.SV)])
def test_a_lang_parameter_is_read_with_its_default(value: str | None, default: Language | None,
                                                   expected: Language) -> None:
    assert Language.parse(value, default) is expected


@pytest.mark.parametrize("kind", [kind for kind in MailKind if kind.to_provider])
@pytest.mark.parametrize("country", list(Country))
def test_every_provider_email_renders_in_its_countrys_language(kind: MailKind,
                                                                country: Country) -> None:
    registration = dataclasses.replace(
        REGISTRATION, language=Language.EN, visit=dataclasses.replace(VISIT, country=country))
    subject, text, page = render(kind, registration, SETTINGS)
    language = COUNTRY_LANGUAGES[country]
    assert subject and "\n" not in subject
    assert f'<html lang="{language.value}">' in page and "<MIG/MAG>" not in page
    assert visit_when(registration.visit, language) in text
    closing = {Language.SV: "Vänliga hälsningar", Language.DA: "Venlig hilsen",
               Language.NB: "Vennlig hilsen"}[language]
    assert closing in text
