"""Re-requesting the provider's page link by the contact's e-mail address.

At each registration the visit's contact is remembered (by the script that stores the
registration) under the keyed hash of its address: ``studyvisit:contacts:{hash}``, a
sorted set of organisation digits scored by the latest expiry of a registration on one of
its visits (the key expires then too). A request for the link answers the same whatever
the address; only for a remembered contact is an e-mail job queued per organisation, and
the job takes the hash and the organisation, never the address (the worker reads it from
the visit records). Requests are limited per address and per client like the
jobseeker's (same settings).
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from arq.connections import ArqRedis
from redis.asyncio import Redis

from core.outages import registrations_call
from core.redis_values import as_text
from core.settings import Settings
from core.visits import keys
from core.visits.awaiting import result
from core.visits.models import Visit
from core.visits.pseudonyms import client_digest, email_digest
from core.visits.ratelimit import _SCRIPT as SLIDING_WINDOW_SCRIPT
from core.visits.validation import normalise_email

LINK_JOB = "send_provider_link"
MAX_ORGANISATIONS = 10
HOUR = 3600


def contacts_key(digest: str) -> str:
    return f"{keys.PREFIX}:contacts:{digest}"


def contact_of(secret_key: str, visit: Visit) -> tuple[str, str]:
    """The key of the visit's contact (by hash) and the visit's organisation, which the
    reservation of a registration remembers until the registration's data expires
    (:meth:`core.visits.store.RegistrationStore.reserve`)."""
    return contacts_key(email_digest(secret_key, visit.contact_email)), visit.id.split("-", 1)[0]


class ProviderLinks:
    def __init__(self, settings: Settings, redis: Redis, queue: ArqRedis) -> None:
        self.settings = settings
        self.redis = redis
        self.queue = queue
        self._window: Any = redis.register_script(SLIDING_WINDOW_SCRIPT)

    @registrations_call
    async def request_link(self, email: str, client_address: str) -> bool:
        """Queue the link e-mail(s) if the address is a remembered contact. ``False`` only
        when a limit refuses (or the address is malformed): nothing tells whether the
        address is known."""
        address = normalise_email(email)
        if address is None:
            return False
        s = self.settings
        digest = email_digest(s.secret_key, address)
        refused = int(await self._window(
            keys=[f"ratelimit:providerlink:ip:{client_digest(s.secret_key, client_address)}",
                  f"ratelimit:providerlink:email:{digest}"],
            args=[secrets.token_hex(8), s.my_link_requests_per_client_per_hour, HOUR * 1000,
                  s.my_link_requests_per_address_per_hour, HOUR * 1000]))
        if refused:
            return False
        now = int(time.time())
        organisations = await result(self.redis.zrangebyscore(
            contacts_key(digest), now, "+inf", start=0, num=MAX_ORGANISATIONS))
        for organisation in organisations:
            await self.queue.enqueue_job(
                LINK_JOB, digest, as_text(organisation),
                _job_id=f"{LINK_JOB}:{digest}:{as_text(organisation)}:{now // 60}")
        return True
