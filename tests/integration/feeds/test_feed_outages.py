"""The feed API when Redis stops answering or dies: a typed 503 in bounded time, no host,
port or driver message, and service again once Redis is back."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import httpx
from redis.asyncio import Redis

from devstack.processes import free_port, start_redis
from tests.integration.feeds.conftest import FULL_ORG, FeedSettings, bearer, example, new_key
from tests.live_app import serve

ANSWER_WITHIN_SECONDS = 15  # the service's Redis deadline is 5 s; generous for a busy machine


async def test_redis_stopped_or_killed_is_a_503_then_uploads_work_again(
        feed_settings: FeedSettings, tmp_path: Path, http: httpx.AsyncClient) -> None:
    port = free_port()
    redis_process = start_redis(port, tmp_path)
    assert redis_process.process is not None
    settings = feed_settings(REDIS_URL=f"redis://127.0.0.1:{port}/0")
    client = Redis.from_url(settings.redis_url)
    key = await new_key(client, FULL_ORG)
    await client.aclose()
    feed = example("valid/full.json")
    try:
        with serve(settings) as api:
            url = f"{api}/feeds/{FULL_ORG}"
            assert (await http.put(url, headers=bearer(key), json=feed)).status_code == 202
            redis_process.process.send_signal(signal.SIGSTOP)
            try:
                for method in ("PUT", "GET"):
                    started = time.monotonic()
                    response = await http.request(method, url, headers=bearer(key), json=feed)
                    assert time.monotonic() - started < ANSWER_WITHIN_SECONDS
                    assert response.status_code == 503, (method, response.text)
                    assert response.headers["retry-after"] == "30"
                    error = response.json()["error"]
                    assert error["code"] == "SERVICE_UNAVAILABLE"
                    assert "127.0.0.1" not in response.text and str(port) not in response.text
            finally:
                redis_process.process.send_signal(signal.SIGCONT)
            assert (await http.put(url, headers=bearer(key), json=feed)).status_code == 202
            redis_process.kill()
            started = time.monotonic()
            response = await http.put(url, headers=bearer(key), json=feed)
            assert time.monotonic() - started < ANSWER_WITHIN_SECONDS
            assert response.status_code == 503, response.text
            assert str(port) not in response.text
            redis_process = start_redis(port, tmp_path)  # a fresh, empty Redis
            client = Redis.from_url(settings.redis_url)
            key = await new_key(client, FULL_ORG)
            await client.aclose()
            response = await http.put(url, headers=bearer(key), json=feed)
            assert response.status_code == 202, response.text
    finally:
        redis_process.stop()
