"""Headers as a mail client reads them, after a real SMTP hand-over to the sink."""

from __future__ import annotations

import dataclasses
import email
import email.policy
from email.header import decode_header, make_header

from core.settings import Settings
from core.visits.formatting import visit_date
from core.visits.models import Language
from core.visits.short_reference import short_reference
from devstack.mailsink import MailSink
from tests.unit.test_emails import REGISTRATION, VISIT
from workers.emails import MailKind, compose
from workers.mailer import Mailer, Outcome

TITLE = "Förstärkt arbetsträning – elektriker"


async def test_the_swedish_subject_arrives_with_every_space(vsettings: Settings,
                                                             smtp_sink: MailSink) -> None:
    registration = dataclasses.replace(
        REGISTRATION, visit=dataclasses.replace(VISIT, course_title=TITLE))
    mail = compose(MailKind.PROVIDER_NOTIFICATION, "send_provider_notification",
                   registration, vsettings, 1)
    result = await Mailer(vsettings).send(mail)
    assert result.outcome is Outcome.SENT
    (received,) = smtp_sink.messages
    expected = (f"Ny anmälan {short_reference(REGISTRATION.id)}: {TITLE}, "
                f"{visit_date(VISIT, Language.SV)}")
    assert received.message["Subject"] == expected
    raw = email.message_from_bytes(received.data, policy=email.policy.compat32)["Subject"]
    assert str(make_header(decode_header(raw))) == expected
