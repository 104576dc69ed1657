"""The client address rate limits count by: X-Forwarded-For is believed only from the
proxies ``python -m api --proxy-headers --forwarded-allow-ips`` names, never by default
(loopback included), and not under a server whose proxy policy the API cannot know."""

from __future__ import annotations

import dataclasses
import itertools
import secrets
from pathlib import Path

import httpx
import pytest

from core.settings import Settings
from tests.conftest import SampleIndex
from tests.integration.served_api import served_api
from tests.live_app import serve

REGISTER = """mutation($input: RegisterForStudyVisitInput!) {
  registerForStudyVisit(input: $input) { registration { id } errors { code } } }"""
NO_SUCH_VISIT = "0000000000-no_such_course~no_such_visit"  # well-formed, not in the index
_emails = itertools.count()


def _settings(sample_index: SampleIndex) -> Settings:
    """One registration per client address; a secret of its own, so the buckets are new."""
    return dataclasses.replace(sample_index.settings, registration_rate_limit_per_ip=1,
                               secret_key=secrets.token_urlsafe(32))


def _register(url: str, forwarded_for: str | None = None) -> str:
    """The error code of a registration (rate limits count before the visit is looked up:
    NOT_FOUND means the client's bucket had room, RATE_LIMITED that it had not)."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    variables = {"input": {"visitId": NO_SUCH_VISIT, "name": "Ann Andersson",
                           "email": f"ann{next(_emails)}@example.com", "language": "SV",
                           "consent": True}}
    response = httpx.post(f"{url}/graphql", json={"query": REGISTER, "variables": variables},
                          headers=headers, timeout=20)
    assert response.status_code == 200, response.text
    errors = response.json()["data"]["registerForStudyVisit"]["errors"]
    code: str = errors[0]["code"]
    return code


def _env(settings: Settings) -> dict[str, str]:
    return {"SECRET_KEY": settings.secret_key, "REGISTRATION_RATE_LIMIT_PER_IP": "1"}


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return tmp_path / "api.log"


def test_forwarded_for_is_ignored_by_default_loopback_included(sample_index: SampleIndex,
                                                               log: Path) -> None:
    settings = _settings(sample_index)
    with served_api(settings, log, **_env(settings)) as api:
        assert _register(api.url, "198.51.100.1") == "NOT_FOUND"
        assert _register(api.url, "198.51.100.2") == "RATE_LIMITED"  # the same peer
        assert _register(api.url) == "RATE_LIMITED"


def test_forwarded_for_is_believed_from_a_configured_proxy(sample_index: SampleIndex,
                                                           log: Path) -> None:
    settings = _settings(sample_index)
    with served_api(settings, log, "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1",
                    **_env(settings)) as api:
        assert _register(api.url, "198.51.100.1") == "NOT_FOUND"
        assert _register(api.url, "198.51.100.2") == "NOT_FOUND"  # another client
        assert _register(api.url, "203.0.113.9, 198.51.100.1") == "RATE_LIMITED"


@pytest.mark.parametrize("flags", [("--proxy-headers",), ("--forwarded-allow-ips", "10.0.0.1")])
def test_proxy_headers_and_trusted_proxies_go_together(sample_index: SampleIndex, log: Path,
                                                       flags: tuple[str, ...]) -> None:
    settings = _settings(sample_index)
    with pytest.raises(RuntimeError, match="exited"), served_api(settings, log, *flags):
        pass
    assert "--proxy-headers and --forwarded-allow-ips" in log.read_text()


def test_plain_uvicorn_trusting_loopback_cannot_be_spoofed(sample_index: SampleIndex) -> None:
    """uvicorn's defaults believe X-Forwarded-For from 127.0.0.1; the API does not."""
    with serve(_settings(sample_index)) as url:
        assert _register(url, "198.51.100.1") == "NOT_FOUND"
        assert _register(url, "198.51.100.2") == "RATE_LIMITED"  # no fresh bucket per name
        assert _register(url, "198.51.100.3:4567") == "RATE_LIMITED"
        assert _register(url) == "NOT_FOUND"  # the peer itself has a bucket of its own
