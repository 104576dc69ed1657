"""The URLs in the emails: a page, and a signed token that allows one action."""

from __future__ import annotations

from urllib.parse import urlencode

from core.settings import Settings
from core.visits.models import Registration
from core.visits.tokens import TokenAction, issue

PATHS = {
    TokenAction.CONFIRM: "/visits/decision",
    TokenAction.DECLINE: "/visits/decision",
    TokenAction.CANCEL: "/visits/cancel",
    TokenAction.ERASE: "/visits/erase",
    TokenAction.CLAIM: "/visits/claim",
}


def token_expiry(registration: Registration, action: TokenAction) -> int:
    """Decisions and cancellations make sense until the visit starts; erasure until the
    data expires anyway; a claim until the offer lapses."""
    if action is TokenAction.ERASE:
        return registration.expires_at
    if action is TokenAction.CLAIM and registration.offer_expires_at is not None:
        return registration.offer_expires_at
    return registration.visit.start_ts


def action_token(settings: Settings, registration: Registration, action: TokenAction) -> str:
    return issue(settings.secret_key, registration.id, action,
                 token_expiry(registration, action))


def action_url(settings: Settings, registration: Registration, action: TokenAction) -> str:
    token = action_token(settings, registration, action)
    return f"{settings.public_base_url}{PATHS[action]}?{urlencode({'token': token})}"
