"""A registration whose write the replicas (``WAIT``) did not confirm is answered as an
outage and taken back: a retry is not ``ALREADY_REGISTERED`` and no e-mail is owed."""

from __future__ import annotations

import dataclasses

import pytest
from redis.asyncio import Redis

from core.durability import AofWait
from core.errors import ServiceUnavailable
from core.visits import keys
from core.visits.models import RegistrationStatus
from core.visits.store import RegistrationStore, ReserveOutcome
from tests.unit.test_emails import REGISTRATION

PENDING = dataclasses.replace(REGISTRATION, id="unconfirmed-1", status=RegistrationStatus.PENDING,
                              expires_at=4_000_000_000)
OWED = ("send_provider_notification", "send_jobseeker_receipt")


async def test_an_unconfirmed_reservation_is_taken_back(redis: Redis) -> None:
    # this Redis has no replica, so WAIT 1 never confirms
    store = RegistrationStore(redis, AofWait(1, replicas=1, replica_timeout_ms=50, local=False))
    for _ in range(2):  # the retry meets the same outage, not its own first attempt
        with pytest.raises(ServiceUnavailable) as raised:
            await store.reserve(PENDING, "digest-unconfirmed", 1_900_000_000, outbox=OWED)
        assert raised.value.dependency == "registrations"
        assert not await redis.exists(keys.registration(PENDING.id))
        assert await redis.scard(keys.active(PENDING.visit.id)) == 0
        assert await redis.hget(keys.emails(PENDING.visit.id), "digest-unconfirmed") is None
        owed = [m.decode() for m in await redis.zrange(keys.OUTBOX, 0, -1)]
        assert not [m for m in owed if PENDING.id in m]
    confirmed = RegistrationStore(redis)  # the same write where nothing is waited for
    reserved = await confirmed.reserve(PENDING, "digest-unconfirmed", 1_900_000_000, outbox=OWED)
    assert reserved.outcome is ReserveOutcome.OK and reserved.seats_taken == 1
