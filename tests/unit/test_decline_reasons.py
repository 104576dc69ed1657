"""The decline-reason select of the provider's pages, and reading it back."""

from api.visits.decline_reasons import read_reason, reason_select
from core.visits.models import DeclineReason, Language


def test_every_reason_is_offered_with_a_label_and_other_chosen_first() -> None:
    html = reason_select(Language.SV, 'reason-"x"')
    assert '<label for="reason-&quot;x&quot;">Skäl till nej</label>' in html
    for reason in DeclineReason:
        assert f'<option value="{reason.value}"' in html
    assert '<option value="other" selected>' in html


def test_only_known_reasons_are_read() -> None:
    assert read_reason("visit_full") is DeclineReason.VISIT_FULL
    assert read_reason("") is None
    assert read_reason("VISIT_FULL") is None
    assert read_reason(None) is None
