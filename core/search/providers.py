"""The directory of training providers in the index: organisation number → name.

Facet values of the provider facet are organisation numbers; their labels and the
provider facet-value search need the names. The directory is read once at start-up and
refreshed in the background, never on a request's path.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping
from typing import Any

from core.search.attributes import Attribute
from core.search.labels import LabelTable, OrderKeys
from core.search.meili import Runner

log = logging.getLogger(__name__)

DIRECTORY_LIMIT = 100_000  # far above the number of providers the index holds


class ProviderDirectory:
    """Provider names by organisation number; replaced whole on each refresh."""

    def __init__(self, names: Mapping[str, str] | None = None) -> None:
        self._names = LabelTable(names or {})
        self.ordering = self._names, OrderKeys(self._names)  # the provider facet's labels
        self.refreshed_at: float | None = None
        self.version = 0

    def name(self, organisation_number: str) -> str | None:
        return self._names.get(organisation_number)

    def items(self) -> list[tuple[str, str]]:
        return list(self._names.items())

    def __len__(self) -> int:
        return len(self._names)

    def replace(self, names: Mapping[str, str]) -> None:
        self._names = LabelTable(names)
        self.ordering = self._names, OrderKeys(self._names)
        self.refreshed_at = time.monotonic()
        self.version += 1


def directory_query() -> dict[str, Any]:
    """One search returning one document per provider."""
    return {
        "q": "",
        "distinct": str(Attribute.PROVIDER_ORG_NUMBER),
        "limit": DIRECTORY_LIMIT,
        "attributesToRetrieve": [str(Attribute.PROVIDER_ORG_NUMBER),
                                 str(Attribute.PROVIDER_NAME)],
    }


def names_from_result(result: dict[str, Any]) -> dict[str, str]:
    return {
        hit[Attribute.PROVIDER_ORG_NUMBER]: hit[Attribute.PROVIDER_NAME]
        for hit in result.get("hits", [])
    }


async def refresh(directory: ProviderDirectory, run: Runner) -> None:
    (result,) = await run([directory_query()])
    directory.replace(names_from_result(result))


async def keep_fresh(directory: ProviderDirectory, run: Runner, interval_seconds: float
                     ) -> None:
    """Refresh now and then every ``interval_seconds`` until cancelled; failures are logged."""
    while True:
        try:
            await refresh(directory, run)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("refreshing the provider directory failed", exc_info=True)
        await asyncio.sleep(interval_seconds)


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
