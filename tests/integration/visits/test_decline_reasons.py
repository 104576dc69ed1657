"""The provider's decline carries a reason (GraphQL enum, the decision page's select) and
the jobseeker's email states it, with links to the course and to similar courses."""

from __future__ import annotations

import httpx

from core.settings import Settings
from devstack.mailsink import MailSink
from tests.integration.visits.conftest import VisitIndex, register, registration_input
from tests.integration.visits.mail_helpers import html_of, links, text_of, to, token_of
from tests.live_app import run_worker

PROVIDER = "olle@utbildning.example"
DECIDE = """mutation($token: String!, $reason: DeclineReason) {
  decideStudyVisitRegistration(token: $token, reason: $reason) { result status }
}"""


async def _decline_link(client: httpx.AsyncClient, api: str, settings: Settings,
                        sink: MailSink, visit_id: str, email: str, language: str) -> str:
    payload = await register(client, api, registration_input(visit_id, email,
                                                             language=language))
    registration_id = payload["registration"]["id"]
    await run_worker(settings)
    (notification,) = [m for m in to(sink.messages, PROVIDER)
                       if registration_id in str(m.message["Message-ID"])]
    return links(notification.message)["/visits/decision#1"]


async def test_the_decline_email_states_the_reason_and_links_similar_courses(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink
) -> None:
    course = visit_index.course_of(visit_index.roomy)
    async with httpx.AsyncClient(timeout=10) as client:
        by_graphql = await _decline_link(client, api, vsettings, smtp_sink, visit_index.roomy,
                                         "full@example.se", "EN")
        answer = await client.post(f"{api}/graphql", json={"query": DECIDE, "variables": {
            "token": token_of(by_graphql), "reason": "VISIT_FULL"}})
        assert answer.json()["data"]["decideStudyVisitRegistration"] == {
            "result": "DONE", "status": "DECLINED"}

        by_page = await _decline_link(client, api, vsettings, smtp_sink, visit_index.roomy,
                                      "passar.inte@example.se", "SV")
        page = await client.get(f"{api}/visits/decision",
                                params={"token": token_of(by_page), "lang": "sv"})
        assert '<select id="reason" name="reason">' in page.text
        assert '<option value="not_suitable">' in page.text
        done = await client.post(f"{api}/visits/decision",
                                 data={"token": token_of(by_page), "reason": "not_suitable"})
        assert done.status_code == 200
    await run_worker(vsettings)

    (english,) = [m.message for m in to(smtp_sink.messages, "full@example.se")
                  if str(m.message["Subject"]).startswith("Answer")]
    text = text_of(english)
    assert "Reason: The study visit is fully booked." in text
    assert "Reason: The study visit is fully booked." in html_of(english)
    assert f"/#/course/{course}" in text
    assert "/#/?occupations=7212&visits=1" in text
    (swedish,) = [m.message for m in to(smtp_sink.messages, "passar.inte@example.se")
                  if str(m.message["Subject"]).startswith("Svar")]
    assert "Skäl: Anordnaren bedömer att studiebesöket inte passar dig." in text_of(swedish)
