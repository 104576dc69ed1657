"""The waitlist's pure parts: how long an offer lasts, and what its emails say."""

import dataclasses

from core.settings import Settings
from core.visits.links import token_expiry
from core.visits.models import Language, RegistrationStatus
from core.visits.tokens import TokenAction, verify
from core.visits.waitlist import claim_closes_at, offer_expiry
from tests.unit.test_emails import REGISTRATION, SETTINGS, VISIT
from workers.emails import MailKind, render


def _settings(hours: int) -> Settings:
    return dataclasses.replace(SETTINGS, waitlist_offer_hours=hours)


def test_an_offer_lasts_the_set_hours_but_never_past_the_closing() -> None:
    assert SETTINGS.waitlist_offer_hours == 24
    early = VISIT.start_ts - 10 * 86_400
    assert offer_expiry(_settings(24), VISIT, early) == early + 24 * 3600
    assert offer_expiry(_settings(6), VISIT, early) == early + 6 * 3600
    late = VISIT.start_ts - 3600
    closes = VISIT.start_ts - SETTINGS.registration_closes_hours_before * 3600
    assert offer_expiry(_settings(24), VISIT, late) == claim_closes_at(VISIT, SETTINGS) == closes
    own = dataclasses.replace(VISIT, registration_closes_hours_before=0)
    assert offer_expiry(_settings(24), own, late) == claim_closes_at(own, SETTINGS) == own.start_ts


def test_the_waitlist_receipt_shows_the_place_in_line() -> None:
    waiting = dataclasses.replace(REGISTRATION, status=RegistrationStatus.WAITLISTED,
                                  waitlist_position=7, language=Language.SV)
    subject, text, page = render(MailKind.WAITLIST_RECEIPT, waiting, SETTINGS)
    assert subject.startswith("Du står på väntelistan")
    assert "nummer\n7 i kön" in text and "nummer 7</strong>" in page
    assert "/visits/cancel?token=" in text  # leaving the line


def test_the_offer_links_a_claim_valid_until_the_offer_lapses() -> None:
    expires = VISIT.start_ts - 86_400
    offered = dataclasses.replace(REGISTRATION, status=RegistrationStatus.OFFERED,
                                  offer_expires_at=expires)
    subject, text, _ = render(MailKind.WAITLIST_OFFER, offered, SETTINGS)
    assert subject.startswith("A seat is free")
    assert "by Monday 1 March, 10:00" in text
    [url] = [line for line in text.split() if "/visits/claim?token=" in line]
    claims = verify(SETTINGS.secret_key, url.split("token=", 1)[1], now=expires - 1)
    assert (claims.action, claims.expires_at) == (TokenAction.CLAIM, expires)
    assert token_expiry(offered, TokenAction.CLAIM) == expires
