"""``/metrics`` and the worker's metrics port, scraped for real and read with
prometheus_client's own parser: the counters move with the requests and emails."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from core.settings import Settings
from devstack.mailsink import MailSink
from devstack.processes import free_port
from tests.integration.visits.conftest import (
    VisitIndex,
    register,
    registration_input,
    visit_settings,
    wait_for,
)
from tests.live_app import make_worker, stop_worker

SEARCH = '{ searchCourses(query: "svets", first: 2) { totalCount } }'
COURSE = 'query C($id: ID!) { course(id: $id) { id } }'


def read(text: str, sample: str, **labels: str) -> float:
    """The value of one sample (0 when it is not there yet)."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == sample and all(found.labels.get(k) == v for k, v in labels.items()):
                return float(found.value)
    return 0.0


async def scrape(client: httpx.AsyncClient, url: str) -> str:
    response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_api_metrics_count_requests_cache_meilisearch_and_registrations(
    api: str, visit_index: VisitIndex
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        before = await scrape(client, f"{api}/metrics")
        # strawberry's first, then the compiled path's miss, then its cache hit
        for _ in range(3):
            answer = await client.post(f"{api}/graphql", json={"query": SEARCH})
            assert answer.status_code == 200 and "errors" not in answer.json()
        bad = await client.post(f"{api}/graphql", json={"query": COURSE})  # no $id given
        assert "errors" in bad.json()
        ok = await register(client, api, registration_input(visit_index.roomy, "m@example.se"))
        assert ok["registration"] is not None
        invalid = await register(client, api, registration_input(visit_index.roomy, "nope"))
        assert invalid["errors"][0]["code"] == "INVALID"
        await client.get(f"{api}/readyz")
        after = await scrape(client, f"{api}/metrics")

    def moved(sample: str, **labels: str) -> float:
        return read(after, sample, **labels) - read(before, sample, **labels)

    assert moved("studyvisits_http_requests_total", operation="searchCourses", outcome="ok") == 3
    assert moved("studyvisits_http_request_duration_seconds_count",
                 operation="searchCourses") == 3
    assert moved("studyvisits_http_requests_total", operation="course",
                 outcome="client_error") == 1
    assert moved("studyvisits_http_requests_total", operation="registerForStudyVisit",
                 outcome="ok") == 2  # a payload error is still an answered request
    assert moved("studyvisits_http_requests_total", operation="readyz", outcome="ok") == 1
    assert moved("studyvisits_registrations_total", outcome="ok") == 1
    assert moved("studyvisits_registrations_total", outcome="invalid") == 1
    assert moved("studyvisits_search_cache_requests_total", result="hit") == 1
    assert moved("studyvisits_search_cache_requests_total", result="miss") == 1
    assert moved("studyvisits_search_cache_parts_total", result="miss") >= 1  # the miss's
    assert moved("studyvisits_compiled_search_requests_total", path="compiled") == 2
    assert moved("studyvisits_meilisearch_request_duration_seconds_count",
                 endpoint="multi-search") == 2  # the hit sent nothing
    assert moved("studyvisits_meilisearch_request_duration_seconds_count",
                 endpoint="search") >= 1  # the registration found its visit
    assert "m@example.se" not in after and "nope" not in after


async def test_the_worker_serves_metrics_that_count_sent_emails(
    visit_index: VisitIndex, redis_url: str, smtp_sink: MailSink, api: str
) -> None:
    smtp_sink.clear()
    port = free_port()
    settings: Settings = visit_settings(visit_index, redis_url, smtp_sink,
                                        WORKER_METRICS_PORT=str(port))
    async with httpx.AsyncClient(timeout=10) as client:
        registered = await register(client, api,
                                    registration_input(visit_index.roomy, "w@example.se"))
        assert registered["registration"] is not None
        # this process's registry before the worker (other tests' workers ran here too)
        before = generate_latest(REGISTRY).decode()
        worker = make_worker(settings, burst=False)
        running = asyncio.create_task(worker.async_run())
        url = f"http://127.0.0.1:{port}/metrics"
        kinds = ("send_provider_notification", "send_jobseeker_receipt")
        try:
            await wait_for(lambda: len(smtp_sink.messages) >= 2, timeout=20)
            for _ in range(100):  # a job is counted when it returns, just after the message
                text = await scrape(client, url)
                sent = {kind: read(text, "studyvisits_emails_total", kind=kind, outcome="sent")
                        - read(before, "studyvisits_emails_total", kind=kind, outcome="sent")
                        for kind in kinds}
                if all(sent.values()):
                    break
                await asyncio.sleep(0.05)
            latency = (read(text, "studyvisits_email_enqueue_to_sent_seconds_count")
                       - read(before, "studyvisits_email_enqueue_to_sent_seconds_count"))
            up = read(text, "studyvisits_worker_redis_up")
            depth = read(text, "studyvisits_queue_depth")
        finally:
            await stop_worker(worker, running)
    assert sent == {"send_provider_notification": 1, "send_jobseeker_receipt": 1}
    assert latency >= 2
    assert up == 1 and depth >= 0
    assert "w@example.se" not in text
    with contextlib.suppress(httpx.HTTPError):  # the port closes with the worker
        await httpx.AsyncClient(timeout=2).get(url)
        raise AssertionError("the worker's metrics port outlived the worker")
