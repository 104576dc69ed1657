"""Every Redis key of the provider feed API, in one place.

None holds a provider key in clear: a key is stored as the SHA-256 digest of its secret.

* ``feeds:provider-keys`` – hash: key id → JSON ``{organisationNumber, digest, createdAt}``.
* ``feeds:uploads:{key id}`` – sorted set: the key's uploads within the last hour.
* ``feeds:load:{load id}`` – hash: one load's record (state and summary).
* ``feeds:loads:{organisation number}`` – list: the provider's most recent load ids,
  newest first.
* ``feeds:body:{load id}`` – string: the uploaded feed until the worker indexed it.
* ``feeds:lock:{organisation number}`` – string: held while one of the provider's feeds
  is being indexed (one load per provider at a time).
"""

from __future__ import annotations

PREFIX = "feeds"
PROVIDER_KEYS = f"{PREFIX}:provider-keys"


def uploads(key_id: str) -> str:
    return f"{PREFIX}:uploads:{key_id}"


def load(load_id: str) -> str:
    return f"{PREFIX}:load:{load_id}"


def recent_loads(organisation_number: str) -> str:
    return f"{PREFIX}:loads:{organisation_number}"


def body(load_id: str) -> str:
    return f"{PREFIX}:body:{load_id}"


def lock(organisation_number: str) -> str:
    return f"{PREFIX}:lock:{organisation_number}"
