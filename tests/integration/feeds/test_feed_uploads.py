"""``PUT /feeds/{organisationNumber}``: who may upload, limits, the synchronous report."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
from redis.asyncio import Redis

from core.feeds.provider_keys import ProviderKeys
from indexer.feed import SCHEMA_PATH
from tests.integration.feeds.conftest import (
    EXAMPLES,
    FULL_ORG,
    INVALID_ORG,
    INVALID_ORG_BY_COUNTRY,
    FeedSettings,
    bearer,
    example,
    new_key,
)
from tests.live_app import serve

EXPECTED = json.loads((EXAMPLES / "expected-rejections.json").read_text(encoding="utf-8"))


async def test_a_valid_feed_is_accepted_and_queued(api: str, http: httpx.AsyncClient,
                                                   redis: Redis) -> None:
    key = await new_key(redis, FULL_ORG)
    response = await http.put(f"{api}/feeds/{FULL_ORG}", headers=bearer(key),
                              json=example("valid/full.json"))
    assert response.status_code == 202, response.text
    report = response.json()
    assert report["accepted"] == 3 and report["rejected"] == []
    assert report["state"] == "queued" and report["organisationNumber"] == FULL_ORG
    # The path may also carry the number without its hyphen.
    response = await http.put(f"{api}/feeds/{FULL_ORG.replace('-', '')}", headers=bearer(key),
                              json=example("valid/full.json"))
    assert response.status_code == 202, response.text
    listing = await http.get(f"{api}/feeds/{FULL_ORG}", headers=bearer(key))
    assert listing.status_code == 200
    loads = listing.json()["loads"]
    assert [load["loadId"] for load in loads][1] == report["loadId"]  # newest first
    assert {load["state"] for load in loads} == {"queued"}
    assert (loads[1]["accepted"], loads[1]["rejected"], loads[1]["indexed"]) == (3, 0, None)
    queued = await redis.zrange("arq:queue", 0, -1)
    assert sorted(queued) == sorted(f"load_provider_feed:{load['loadId']}".encode()
                                    for load in loads)


async def test_each_rejected_record_is_reported_in_the_clis_words(
        api: str, http: httpx.AsyncClient, redis: Redis) -> None:
    keys = {org: await new_key(redis, org) for org in INVALID_ORG_BY_COUNTRY.values()}
    for name, want in sorted(EXPECTED.items()):
        body = (EXAMPLES / "invalid" / name).read_bytes()
        org = INVALID_ORG_BY_COUNTRY[name[:2].upper() if name[2] == "-" else "SE"]
        response = await http.put(f"{api}/feeds/{org}", headers=bearer(keys[org]),
                                  content=body)
        if want["record_id"] == "(file)":  # the whole feed is refused
            assert response.status_code == 400, (name, response.text)
            error = response.json()["error"]
            assert (error["code"], error["field"]) == ("INVALID_FEED", want["field"]), name
            assert want["reason_contains"] in error["message"], name
            continue
        assert response.status_code == 202, (name, response.text)
        rejected = response.json()["rejected"]
        assert len(rejected) == 1, (name, rejected)
        assert (rejected[0]["record"], rejected[0]["field"]) == (want["record_id"],
                                                                 want["field"]), name
        assert want["reason_contains"] in rejected[0]["message"], name
    # Only the feeds with a valid envelope were stored and queued.
    whole = sum(1 for want in EXPECTED.values() if want["record_id"] != "(file)")
    assert await redis.zcard("arq:queue") == whole
    assert len(await redis.keys("feeds:body:*")) == whole


async def test_keys_are_scoped_to_their_organisation(api: str, http: httpx.AsyncClient,
                                                     redis: Redis) -> None:
    key = await new_key(redis, FULL_ORG)
    feed = example("valid/full.json")
    cases = {
        "no key": ({}, FULL_ORG, 401, "UNAUTHORIZED"),
        "not bearer": ({"Authorization": f"Basic {key}"}, FULL_ORG, 401, "UNAUTHORIZED"),
        "wrong secret": (bearer(key[:-4] + "AAAA"), FULL_ORG, 401, "UNAUTHORIZED"),
        "unknown id": (bearer("fk_000000000000_" + key.rsplit("_", 1)[1]), FULL_ORG, 401,
                       "UNAUTHORIZED"),
        "another provider": (bearer(key), INVALID_ORG, 403, "FORBIDDEN"),
        "bad check digit": (bearer(key), "559301-4788", 400, "INVALID_ORGANISATION_NUMBER"),
        "not a number": (bearer(key), "acme", 400, "INVALID_ORGANISATION_NUMBER"),
    }
    for case, (headers, path, status, code) in cases.items():
        for method in ("PUT", "GET"):
            response = await http.request(method, f"{api}/feeds/{path}", headers=headers,
                                          json=feed)
            assert response.status_code == status, (case, method, response.text)
            assert response.json()["error"]["code"] == code, (case, method)
            if status == 401:
                assert response.headers["www-authenticate"] == "Bearer"
    other = example("valid/minimal.json")  # 556610-2348's feed, sent to 559301-4789
    response = await http.put(f"{api}/feeds/{FULL_ORG}", headers=bearer(key), json=other)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("ORGANISATION_MISMATCH",
                                               "provider.organisationNumber")
    assert INVALID_ORG in error["message"]
    not_json = await http.put(f"{api}/feeds/{FULL_ORG}", headers=bearer(key), content=b"{")
    assert not_json.status_code == 400
    assert not_json.json()["error"]["message"].startswith("is not valid JSON")
    assert await redis.zcard("arq:queue") == 0
    assert await redis.keys("feeds:body:*") == []


async def test_a_feed_over_the_cap_is_refused_before_it_is_read(
        feed_settings: FeedSettings, http: httpx.AsyncClient, redis: Redis) -> None:
    settings = feed_settings(FEED_MAX_BYTES="20000")
    key = await new_key(redis, FULL_ORG)
    feed = example("valid/full.json")
    feed["courses"][0]["description"]["sv"] = "x" * 2_000_000  # 100 times the cap
    body = json.dumps(feed).encode()

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked
        for start in range(0, len(body), 4096):
            yield body[start:start + 4096]

    with serve(settings) as api:
        declared = await http.put(f"{api}/feeds/{FULL_ORG}", headers=bearer(key),
                                  content=body)
        assert declared.status_code == 413, declared.text
        assert declared.json()["error"]["code"] == "FEED_TOO_LARGE"
        streamed = await http.put(f"{api}/feeds/{FULL_ORG}", headers=bearer(key),
                                  content=chunks())
        assert streamed.status_code == 413, streamed.text
        feed["courses"][0]["description"]["sv"] = "x" * 1_000
        small = await http.put(f"{api}/feeds/{FULL_ORG}", headers=bearer(key), json=feed)
        assert small.status_code == 202, small.text
    assert await redis.zcard("arq:queue") == 1


async def test_uploads_per_key_are_rate_limited(feed_settings: FeedSettings,
                                                http: httpx.AsyncClient, redis: Redis) -> None:
    settings = feed_settings(FEED_UPLOADS_PER_HOUR="2")
    key, second_key = await new_key(redis, FULL_ORG), await new_key(redis, FULL_ORG)
    feed = example("valid/full.json")
    with serve(settings) as api:
        url = f"{api}/feeds/{FULL_ORG}"
        statuses = [(await http.put(url, headers=bearer(key), json=feed)).status_code
                    for _ in range(2)]
        assert statuses == [202, 202]
        limited = await http.put(url, headers=bearer(key), json=feed)
        assert limited.status_code == 429
        assert limited.json()["error"]["code"] == "RATE_LIMITED"
        assert 3500 <= int(limited.headers["retry-after"]) <= 3600
        # Reading the loads is not an upload; another key has its own allowance.
        assert (await http.get(url, headers=bearer(key))).status_code == 200
        assert (await http.put(url, headers=bearer(second_key), json=feed)).status_code == 202
    assert await redis.zcard("arq:queue") == 3


async def test_a_revoked_key_stops_working(api: str, http: httpx.AsyncClient,
                                           redis: Redis) -> None:
    keys = ProviderKeys(redis)
    created, kept = await keys.create(FULL_ORG), await keys.create(FULL_ORG)
    url = f"{api}/feeds/{FULL_ORG}"
    assert (await http.get(url, headers=bearer(created.key))).status_code == 200
    assert await keys.revoke(FULL_ORG, created.record.key_id)
    assert (await http.get(url, headers=bearer(created.key))).status_code == 401
    assert (await http.get(url, headers=bearer(kept.key))).status_code == 200
    assert not await keys.revoke(INVALID_ORG, kept.record.key_id)  # not that provider's
    assert (await http.get(url, headers=bearer(kept.key))).status_code == 200


async def test_the_feed_schema_is_served(api: str, http: httpx.AsyncClient) -> None:
    response = await http.get(f"{api}/feeds/schema")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/schema+json"
    assert response.json() == json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
