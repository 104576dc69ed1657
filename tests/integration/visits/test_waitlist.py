"""The waitlist, end to end: joining a full visit, a freed seat offered to the first in
line and emailed once, claiming it, leaving the line, a lapsed offer passed on, raised
capacity offered, and the race of many registrations and cancellations.

Real API under uvicorn, real Redis, real Meilisearch, a real arq worker and SMTP sink.
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections import Counter
from typing import Any

import httpx
from arq.connections import ArqRedis
from redis import Redis as SyncRedis
from redis.asyncio import Redis

from core.redis_values import as_text
from core.settings import Settings
from core.visits import keys
from core.visits.awaiting import result
from core.visits.links import action_token
from core.visits.my_registrations import issue_my_token
from core.visits.provider_access import issue_provider_token
from core.visits.pseudonyms import email_digest
from core.visits.short_reference import short_reference
from core.visits.store import RegistrationStore
from core.visits.tokens import TokenAction
from core.visits.visit_records import VisitRecords
from devstack.mailsink import MailSink
from tests.integration.visits.conftest import (
    ORG,
    VisitIndex,
    register,
    registration_input,
)
from tests.integration.visits.mail_helpers import links, text_of, to, token_of
from tests.live_app import run_worker

KARIN = "karin@utbildning.example"  # contact of VISITS1 (two_seats)
OLLE = "olle@utbildning.example"  # contact of VISITS2 (roomy)
OFFER_SV = "En plats är ledig"
CANCEL = "mutation($t: String!) { cancelStudyVisitRegistration(token: $t) { result status } }"
CLAIM = "mutation($t: String!) { claimStudyVisitSeat(token: $t) { result status } }"
ERASE = "mutation($t: String!) { eraseStudyVisitRegistration(token: $t) { result status } }"
JOIN = """mutation($i: RegisterForStudyVisitInput!) { registerForStudyVisit(input: $i) {
  registration { id status waitlistPosition } errors { code } } }"""
VISIT = "query($id: ID!) { studyVisit(id: $id) { visit { seatsLeft waitlistLength } } }"
KEEPALIVE_SECONDS = 2.0


async def _gql(client: httpx.AsyncClient, api: str, query: str, **variables: Any
               ) -> dict[str, Any]:
    response = await client.post(f"{api}/graphql",
                                 json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def _join(client: httpx.AsyncClient, api: str, visit_id: str, email: str,
                **extra: Any) -> dict[str, Any]:
    """Register, joining the waitlist if the visit is full."""
    data = await _gql(client, api, JOIN, i=registration_input(
        visit_id, email, joinWaitlistIfFull=True, **extra))
    payload = data["registerForStudyVisit"]
    assert payload["errors"] == [], payload
    registration: dict[str, Any] = payload["registration"]
    return registration


async def _status(redis: Redis, registration_id: str) -> str:
    value = await result(redis.hget(keys.registration(registration_id), "status"))
    assert value is not None
    return as_text(value)


async def _token(settings: Settings, redis: Redis, registration_id: str,
                 action: TokenAction) -> str:
    registration = await RegistrationStore(redis).get(registration_id)
    assert registration is not None
    return action_token(settings, registration, action)


async def _set_capacity(settings: Settings, visit_id: str, capacity: int) -> None:
    """What a feed load with a new capacity leaves: the visit records of the index, this
    visit's capacity changed (as the indexer writes them)."""
    async with httpx.AsyncClient(
            base_url=settings.meili_url,
            headers={"Authorization": f"Bearer {settings.meili_master_key}"}) as meili:
        response = await meili.get(f"/indexes/{settings.meili_index}/documents",
                                   params={"limit": 1000})
    documents = copy.deepcopy(response.json()["results"])
    for document in documents:
        for visit in document.get("studyVisits", []):
            if visit["id"] == visit_id:
                visit["capacity"] = capacity
    with SyncRedis.from_url(settings.redis_url) as sync:
        VisitRecords(sync, settings.meili_index).rebuilt(documents)


async def _sweep(queue: ArqRedis, settings: Settings) -> None:
    await queue.enqueue_job("sweep_waitlists", _job_id=f"sweep:{time.monotonic()}")
    await run_worker(settings)


def _offers(sink: MailSink) -> list[str]:
    """Recipients of the offers sent, in the order sent."""
    return [m.recipients[0] for m in sink.messages
            if str(m.message["Subject"]).startswith(OFFER_SV)]


async def test_a_full_visit_is_visit_full_unless_the_jobseeker_joins_its_waitlist(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink
) -> None:
    visit = visit_index.two_seats
    async with httpx.AsyncClient(timeout=10) as client:
        for n in range(2):
            assert (await _join(client, api, visit, f"seat{n}@example.se"))["status"] == "PENDING"
        full = await register(client, api, registration_input(visit, "nope@example.se"))
        assert [e["code"] for e in full["errors"]] == ["VISIT_FULL"]
        first = await _join(client, api, visit, "first@example.se")
        second = await _join(client, api, visit, "second@example.se", language="EN")
        assert (first["status"], second["status"]) == ("WAITLISTED", "WAITLISTED")
        third = await _join(client, api, visit, "third@example.se")
        assert [r["waitlistPosition"] for r in (first, second, third)] == [1, 2, 3]
        again = await register(client, api, registration_input(
            visit, "first@example.se", joinWaitlistIfFull=True))
        assert [e["code"] for e in again["errors"]] == ["ALREADY_REGISTERED"]
        shown = await _gql(client, api, VISIT, id=visit)
        assert shown["studyVisit"]["visit"] == {"seatsLeft": 0, "waitlistLength": 3}
    await run_worker(vsettings)
    (receipt,) = to(smtp_sink.messages, "second@example.se")
    assert receipt.message["Subject"].startswith("You are on the waitlist")
    assert "You are number 2 in line" in " ".join(text_of(receipt.message).split())
    assert to(smtp_sink.messages, KARIN) and all(  # the provider hears only of the seated
        "first@example.se" not in text_of(m.message) for m in to(smtp_sink.messages, KARIN))


async def test_a_cancelled_seat_is_offered_emailed_once_and_claimed(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink,
    redis: Redis, queue: ArqRedis
) -> None:
    visit = visit_index.two_seats
    async with httpx.AsyncClient(timeout=10) as client:
        seated = [await _join(client, api, visit, f"seat{n}@example.se") for n in range(2)]
        first = await _join(client, api, visit, "first@example.se")
        second = await _join(client, api, visit, "second@example.se")
        await run_worker(vsettings)
        cancel_link = links(to(smtp_sink.messages, "seat0@example.se")[0].message)[
            "/visits/cancel"]
        done = await client.post(f"{api}/visits/cancel", data={"token": token_of(cancel_link)})
        assert done.status_code == 200
        assert await _status(redis, first["id"]) == "OFFERED"
        assert await _status(redis, second["id"]) == "WAITLISTED"
        await run_worker(vsettings)
        await _sweep(queue, vsettings)
        assert _offers(smtp_sink) == ["first@example.se"]  # once, to the first in line
        offer = to(smtp_sink.messages, "first@example.se")[-1].message
        claim_url = links(offer)["/visits/claim"]
        page = await client.get(f"{api}/visits/claim", params={"token": token_of(claim_url)})
        assert page.status_code == 200 and "Ta platsen" in page.text
        assert await _status(redis, first["id"]) == "OFFERED"  # GET changes nothing
        claimed = await client.post(f"{api}/visits/claim", data={"token": token_of(claim_url)})
        assert claimed.status_code == 200, claimed.text
        assert await _status(redis, first["id"]) == "PENDING"
        replay = await _gql(client, api, CLAIM, t=token_of(claim_url))
        assert replay["claimStudyVisitSeat"] == {"result": "ALREADY_DONE", "status": "PENDING"}
        assert await result(redis.scard(keys.active(visit))) == 2
        await run_worker(vsettings)
    notices = [m for m in to(smtp_sink.messages, KARIN) if first["id"] in
               str(m.message["Message-ID"])]
    assert len(notices) == 1 and "first@example.se" in text_of(notices[0].message)
    assert seated[1]["status"] == "PENDING"


async def test_leaving_the_waitlist_moves_the_line_up(
    api: str, vsettings: Settings, visit_index: VisitIndex, redis: Redis
) -> None:
    visit = visit_index.two_seats
    async with httpx.AsyncClient(timeout=10) as client:
        for n in range(2):
            await _join(client, api, visit, f"seat{n}@example.se")
        first = await _join(client, api, visit, "first@example.se")
        await _join(client, api, visit, "second@example.se")
        token = await _token(vsettings, redis, first["id"], TokenAction.CANCEL)
        page = await client.get(f"{api}/visits/cancel", params={"token": token})
        assert "lämna väntelistan" in page.text
        left = await _gql(client, api, CANCEL, t=token)
        assert left["cancelStudyVisitRegistration"] == {"result": "DONE",
                                                        "status": "CANCELLED"}
        shown = await _gql(client, api, VISIT, id=visit)
        assert shown["studyVisit"]["visit"]["waitlistLength"] == 1
        assert await result(redis.scard(keys.active(visit))) == 2  # nobody offered: no seat freed
        again = await _join(client, api, visit, "first@example.se")
        assert (again["status"], again["waitlistPosition"]) == ("WAITLISTED", 2)


async def test_an_erased_or_refused_seat_passes_on_and_an_erased_place_in_line_frees_none(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink,
    redis: Redis, queue: ArqRedis
) -> None:
    visit = visit_index.two_seats
    async with httpx.AsyncClient(timeout=10) as client:
        seated = [await _join(client, api, visit, f"seat{n}@example.se") for n in range(2)]
        first = await _join(client, api, visit, "first@example.se")
        second = await _join(client, api, visit, "second@example.se")
        third = await _join(client, api, visit, "third@example.se")
        # someone in line erases their data: they leave the line, no seat is freed
        gone = await _gql(client, api, ERASE, t=await _token(
            vsettings, redis, first["id"], TokenAction.ERASE))
        assert gone["eraseStudyVisitRegistration"]["result"] == "DONE"
        assert not await result(redis.exists(keys.registration(first["id"])))
        assert await _status(redis, second["id"]) == "WAITLISTED"
        shown = await _gql(client, api, VISIT, id=visit)
        assert shown["studyVisit"]["visit"]["waitlistLength"] == 2
        # a seat holder erases theirs: the seat goes to the first still in line
        erased = await client.post(f"{api}/visits/erase", data={"token": await _token(
            vsettings, redis, seated[0]["id"], TokenAction.ERASE)})
        assert erased.status_code == 200
        assert not await result(redis.exists(keys.registration(seated[0]["id"])))
        assert [await _status(redis, r["id"]) for r in (second, third)] == [
            "OFFERED", "WAITLISTED"]
        await run_worker(vsettings)
        # the one offered the seat does not want it: the cancel link passes it on
        refused = await _gql(client, api, CANCEL, t=await _token(
            vsettings, redis, second["id"], TokenAction.CANCEL))
        assert refused["cancelStudyVisitRegistration"] == {"result": "DONE",
                                                           "status": "CANCELLED"}
        assert await _status(redis, third["id"]) == "OFFERED"
        assert await result(redis.scard(keys.active(visit))) == 2
    await run_worker(vsettings)
    await _sweep(queue, vsettings)
    assert _offers(smtp_sink) == ["second@example.se", "third@example.se"]


async def test_an_unclaimed_offer_passes_to_the_next_in_line(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink,
    redis: Redis, queue: ArqRedis
) -> None:
    visit = visit_index.two_seats
    async with httpx.AsyncClient(timeout=10) as client:
        seated = [await _join(client, api, visit, f"seat{n}@example.se") for n in range(2)]
        first = await _join(client, api, visit, "first@example.se")
        second = await _join(client, api, visit, "second@example.se")
        declined = await _gql(client, api, """mutation($t: String!) {
            decideStudyVisitRegistration(token: $t) { result } }""",
            t=await _token(vsettings, redis, seated[0]["id"], TokenAction.DECLINE))
        assert declined["decideStudyVisitRegistration"]["result"] == "DONE"
        assert await _status(redis, first["id"]) == "OFFERED"
        claim_token = await _token(vsettings, redis, first["id"], TokenAction.CLAIM)
        # The offer's time runs out (as WAITLIST_OFFER_HOURS later).
        past = int(time.time()) - 1
        await result(redis.hset(keys.registration(first["id"]), "offerExpiresAt", str(past)))
        await result(redis.zadd(keys.OFFERS, {first["id"]: past}))
        await _sweep(queue, vsettings)
        assert await _status(redis, first["id"]) == "CANCELLED"
        assert await _status(redis, second["id"]) == "OFFERED"
        late = await _gql(client, api, CLAIM, t=claim_token)
        assert late["claimStudyVisitSeat"]["result"] == "NOT_ALLOWED"
        await _sweep(queue, vsettings)  # idempotent: nothing more lapses or is offered
    assert _offers(smtp_sink) == ["first@example.se", "second@example.se"]
    assert await result(redis.scard(keys.active(visit))) == 2


async def test_raised_capacity_offers_the_new_seats(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink,
    redis: Redis, queue: ArqRedis
) -> None:
    visit = visit_index.two_seats
    async with httpx.AsyncClient(timeout=10) as client:
        for n in range(2):
            await _join(client, api, visit, f"seat{n}@example.se")
        waiting = [await _join(client, api, visit, f"wait{n}@example.se") for n in range(3)]
    await _set_capacity(vsettings, visit, 4)
    await _sweep(queue, vsettings)
    statuses = [await _status(redis, w["id"]) for w in waiting]
    assert statuses == ["OFFERED", "OFFERED", "WAITLISTED"]
    # the first two in line are offered (the statuses above); the worker sends the two
    # offers concurrently, so in either order
    assert sorted(_offers(smtp_sink)) == ["wait0@example.se", "wait1@example.se"]
    assert await result(redis.scard(keys.active(visit))) == 4


async def test_race_of_200_registrations_and_20_cancellations(
    api: str, vsettings: Settings, visit_index: VisitIndex, smtp_sink: MailSink,
    redis: Redis, queue: ArqRedis
) -> None:
    """200 concurrent registrations for 20 seats, then the 20 holders cancel while 20 more
    join: holders never exceed the seats, the first 20 in line get one offer each."""
    visit, capacity, total, late = visit_index.roomy, 20, 200, 20
    await _set_capacity(vsettings, visit, capacity)
    holders_seen: list[int] = []
    stop = asyncio.Event()

    async def watch() -> None:
        while not stop.is_set():
            holders_seen.append(await result(redis.scard(keys.active(visit))))
            await asyncio.sleep(0.002)

    watcher = asyncio.create_task(watch())
    # An idle connection is dropped by the client before uvicorn's keep-alive timeout (5 s)
    # closes it: reused at that moment, the request meets a closed socket (httpx.ReadError).
    limits = httpx.Limits(max_connections=total, max_keepalive_connections=total,
                          keepalive_expiry=KEEPALIVE_SECONDS)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        started = time.monotonic()
        made = await asyncio.gather(*(
            _join(client, api, visit, f"race{n:03d}@example.se") for n in range(total)))
        registering = time.monotonic() - started
        seated = [r for r in made if r["status"] == "PENDING"]
        waiting = sorted((r for r in made if r["status"] == "WAITLISTED"),
                         key=lambda r: r["waitlistPosition"])
        assert (len(seated), len(waiting)) == (capacity, total - capacity)
        assert [r["waitlistPosition"] for r in waiting] == list(range(1, len(waiting) + 1))
        tokens = [await _token(vsettings, redis, r["id"], TokenAction.CANCEL) for r in seated]
        started = time.monotonic()
        outcomes = await asyncio.gather(
            *(_gql(client, api, CANCEL, t=t) for t in tokens),
            *(_join(client, api, visit, f"late{n:02d}@example.se") for n in range(late)))
        cancelling = time.monotonic() - started
    stop.set()
    await watcher
    assert all(c["cancelStudyVisitRegistration"]["result"] == "DONE"
               for c in outcomes[:capacity])
    latecomers = outcomes[capacity:]
    assert {r["status"] for r in latecomers} == {"WAITLISTED"}  # behind those waiting
    assert max(holders_seen) <= capacity
    offered = [r for r in waiting if await _status(redis, r["id"]) == "OFFERED"]
    assert offered == waiting[:capacity]  # in the line's order
    await run_worker(vsettings)
    await _sweep(queue, vsettings)  # nothing more to offer
    await run_worker(vsettings)
    addresses = {r["id"]: f"race{n:03d}@example.se" for n, r in enumerate(made)}
    sent = Counter(_offers(smtp_sink))
    assert sent == Counter(addresses[r["id"]] for r in waiting[:capacity])  # once each
    assert await result(redis.scard(keys.active(visit))) == capacity
    print(f"\nwaitlist race: capacity {capacity}; {total} concurrent registrations in "
          f"{registering:.2f} s ({len(seated)} seated, {len(waiting)} waitlisted); "
          f"{capacity} cancellations with {late} more registrations in {cancelling:.2f} s; "
          f"{sum(sent.values())} offers, one each; max holders seen {max(holders_seen)} "
          f"in {len(holders_seen)} samples")


async def test_the_provider_and_the_jobseeker_see_the_line(
    api: str, vsettings: Settings, visit_index: VisitIndex
) -> None:
    visit = visit_index.two_seats
    await _set_capacity(vsettings, visit, 2)  # the records the provider's page reads
    async with httpx.AsyncClient(timeout=10) as client:
        for n in range(2):
            await _join(client, api, visit, f"seat{n}@example.se")
        first = await _join(client, api, visit, "first@example.se")
        second = await _join(client, api, visit, "second@example.se")
        provider = await _gql(client, api, """query($t: String!) { providerStudyVisits(
            token: $t) { visits { visit { id } seatsTaken waitlistLength
            waitlist { id email status } } } }""",
            t=issue_provider_token(vsettings, ORG, KARIN))
        [listed] = [v for v in provider["providerStudyVisits"]["visits"]
                    if v["visit"]["id"] == visit]
        assert (listed["seatsTaken"], listed["waitlistLength"]) == (2, 2)
        assert [(w["id"], w["status"]) for w in listed["waitlist"]] == [
            (first["id"], "WAITLISTED"), (second["id"], "WAITLISTED")]
        page = await client.get(f"{api}/provider", params={
            "token": issue_provider_token(vsettings, ORG, KARIN)})
        assert "Väntelista: 2" in page.text and "second@example.se" in page.text
        assert f"({short_reference(second['id'])}, second@example.se)" in page.text
        await _gql(client, api, CANCEL, t=await _cancel_token(vsettings, first["id"]))
        token = issue_my_token(vsettings, email_digest(vsettings.secret_key, "second@example.se"))
        mine = await _gql(client, api, """query($t: String!) { myRegistrations(token: $t) {
            registrations { id status waitlistPosition } } }""", t=token)
        assert mine["myRegistrations"]["registrations"] == [
            {"id": second["id"], "status": "WAITLISTED", "waitlistPosition": 1}]
        page = await client.get(f"{api}/mine", params={"token": token})
        assert "Plats i kön" in page.text


async def _cancel_token(settings: Settings, registration_id: str) -> str:
    async with Redis.from_url(settings.redis_url) as redis:
        return await _token(settings, redis, registration_id, TokenAction.CANCEL)
