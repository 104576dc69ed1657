"""The registration as the API returns it speaks the registration's language."""

from __future__ import annotations

import httpx

from tests.integration.visits.conftest import VisitIndex, register, registration_input


async def test_the_course_title_follows_the_registration_language(
    api: str, visit_index: VisitIndex
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        english = await register(client, api, registration_input(
            visit_index.roomy, "title.en@example.se", language="EN"))
        swedish = await register(client, api, registration_input(
            visit_index.roomy, "title.sv@example.se", language="SV"))
    assert english["registration"]["courseTitle"] == "MIG/MAG welder VISITS2"
    assert swedish["registration"]["courseTitle"] == "Svetsare MIG/MAG VISITS2"
