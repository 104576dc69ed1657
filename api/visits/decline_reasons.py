"""The decline reason on the provider's pages: a labelled select, and reading its value."""

from __future__ import annotations

import html

from core.visits.models import DeclineReason, Language

FIELD = "reason"
LABELS = {
    Language.SV: {"label": "Skäl till nej", DeclineReason.VISIT_FULL: "Fullbokat",
                  DeclineReason.VISIT_CANCELLED: "Besöket är inställt",
                  DeclineReason.NOT_SUITABLE: "Passar inte den arbetssökande",
                  DeclineReason.OTHER: "Annat skäl"},
    Language.EN: {"label": "Reason for declining", DeclineReason.VISIT_FULL: "Fully booked",
                  DeclineReason.VISIT_CANCELLED: "The visit is cancelled",
                  DeclineReason.NOT_SUITABLE: "Not suitable for the jobseeker",
                  DeclineReason.OTHER: "Other reason"},
    Language.DA: {"label": "Grund til afvisning", DeclineReason.VISIT_FULL: "Fuldt booket",
                  DeclineReason.VISIT_CANCELLED: "Besøget er aflyst",
                  DeclineReason.NOT_SUITABLE: "Passer ikke til jobsøgeren",
                  DeclineReason.OTHER: "Anden grund"},
    Language.NB: {"label": "Grunn til avslag", DeclineReason.VISIT_FULL: "Fullbooket",
                  DeclineReason.VISIT_CANCELLED: "Besøket er avlyst",
                  DeclineReason.NOT_SUITABLE: "Passer ikke for arbeidssøkeren",
                  DeclineReason.OTHER: "Annen grunn"},
}


def reason_select(lang: Language, element_id: str) -> str:
    """A labelled ``<select name="reason">`` of every reason (``other`` first chosen)."""
    labels = LABELS[lang]
    options = "".join(
        f'<option value="{reason.value}"{" selected" if reason is DeclineReason.OTHER else ""}>'
        f"{html.escape(labels[reason])}</option>" for reason in DeclineReason)
    element = html.escape(element_id)
    return (f'<label for="{element}">{html.escape(labels["label"])}</label> '
            f'<select id="{element}" name="{FIELD}">{options}</select>')


def read_reason(value: str | None) -> DeclineReason | None:
    """The reason of a submitted form; ``None`` when absent or not one of ours."""
    try:
        return DeclineReason(value) if value else None
    except ValueError:
        return None
