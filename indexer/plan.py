"""What a load would do to the live index and to registrations, worked out before it runs.

A plan compares the documents a feed set maps to with the live documents in the load's
scope (the feeds' providers for a plain load, the whole index for a rebuild) and counts
the courses added, changed and withdrawn, the study visits removed or rescheduled, and the
active registrations those visits hold. The same plan drives ``--dry-run`` (printed, nothing
written), the guard against removing whole providers (:mod:`indexer.guard`) and the
summary of a real load, so the numbers a dry run prints are the numbers the load acts on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from meilisearch import Client
from meilisearch.errors import MeilisearchApiError
from redis import Redis

from core.meili_filter import quote_list
from core.reference import Reference
from core.visits import keys
from indexer.documents import to_search_document
from indexer.feed import Feed, Rejection
from indexer.loader import rejected_ids

PAGE_SIZE = 5_000
# Fields the indexer adds for its own bookkeeping: not part of a course's content.
BOOKKEEPING_FIELDS = frozenset({"loadId"})


@dataclass(frozen=True, slots=True)
class Provider:
    """A provider that has courses in the live index."""

    organisation_number: str
    name: str
    courses: int

    def __str__(self) -> str:
        return f"{self.organisation_number} {self.name} ({self.courses} courses)"


@dataclass
class LoadPlan:
    """Counts of what a load changes; registrations are counted, never named."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    visits_removed: int = 0
    visits_rescheduled: int = 0
    registrations_cancelled: int = 0
    registrations_rescheduled: int = 0
    # Providers with courses in the live index that the load would leave with none.
    vanishing: list[Provider] = field(default_factory=list)
    # Upcoming visit ids (service-wide) that disappear / change time; for the counts.
    removed_visit_ids: list[str] = field(default_factory=list, repr=False)
    rescheduled_visit_ids: list[str] = field(default_factory=list, repr=False)
    # Visit-index documents (one per visit, past ones included) of the live courses in the
    # load's scope, and of the same scope after the load.
    visit_documents_replaced: int = 0
    visit_documents_after: int = 0

    def visit_documents_total(self, live_total: int) -> int:
        """The visit index's size after the load, given its size now."""
        return live_total - self.visit_documents_replaced + self.visit_documents_after

    def describe(self) -> str:
        return (
            f"courses: {self.added} added, {self.changed} changed, {self.withdrawn} withdrawn, "
            f"{self.unchanged} unchanged; study visits: {self.visits_removed} removed, "
            f"{self.visits_rescheduled} rescheduled; registrations: "
            f"{self.registrations_cancelled} cancelled by removed visits, "
            f"{self.registrations_rescheduled} on rescheduled visits"
        )


def content(document: Mapping[str, Any]) -> dict[str, Any]:
    """A document as Meilisearch stores it, without the indexer's bookkeeping fields."""
    plain = {k: v for k, v in document.items() if k not in BOOKKEEPING_FIELDS}
    loaded: dict[str, Any] = orjson.loads(orjson.dumps(plain))
    return loaded


def new_documents(feeds: Iterable[Feed], reference: Reference) -> dict[str, dict[str, Any]]:
    """The documents the feeds map to, by id (a later feed's course wins, as in a load)."""
    return {
        doc["id"]: content(doc)
        for feed in feeds
        for doc in (to_search_document(feed.provider, c, reference) for c in feed.courses)
    }


def kept_ids(feeds: Iterable[Feed], rejections: list[Rejection]) -> set[str]:
    """Courses whose new record was rejected: their live version is kept, as the loader does."""
    return {i for feed in feeds for i in rejected_ids(feed.provider, rejections, feed.file)}


def compare(
    live: Iterable[Mapping[str, Any]],
    new: Mapping[str, Mapping[str, Any]],
    kept: set[str],
    now: int,
) -> LoadPlan:
    """The plan for replacing the ``live`` documents in scope with ``new`` (pure).

    ``live`` must be every live document of the providers the load replaces. Visits count
    only when upcoming (start at or after ``now``): the worker's reconciliation cancels
    registrations of upcoming visits only, and feeds may leave out visits that have passed.
    """
    plan = LoadPlan()
    seen: set[str] = set()
    before: dict[str, tuple[str, int]] = {}  # provider → (name, live courses)
    after: dict[str, int] = {}
    for doc in new.values():
        after[doc["providerOrgNumber"]] = after.get(doc["providerOrgNumber"], 0) + 1
        plan.visit_documents_after += len(doc.get("studyVisits") or [])
    for raw in live:
        old = content(raw)
        doc_id = old["id"]
        seen.add(doc_id)
        number = old["providerOrgNumber"]
        name, count = before.get(number, (old.get("providerName") or "", 0))
        before[number] = (name, count + 1)
        plan.visit_documents_replaced += len(old.get("studyVisits") or [])
        if doc_id in kept and doc_id not in new:
            after[number] = after.get(number, 0) + 1
            plan.visit_documents_after += len(old.get("studyVisits") or [])
            plan.unchanged += 1
            continue
        replacement = new.get(doc_id)
        if replacement is None:
            plan.withdrawn += 1
        elif replacement == old:
            plan.unchanged += 1
            continue
        else:
            plan.changed += 1
        _compare_visits(plan, old, replacement, now)
    plan.added = sum(1 for doc_id in new if doc_id not in seen)
    plan.vanishing = sorted(
        (Provider(number, name, count) for number, (name, count) in before.items()
         if not after.get(number)),
        key=lambda p: p.organisation_number,
    )
    return plan


def _compare_visits(
    plan: LoadPlan, old: Mapping[str, Any], new: Mapping[str, Any] | None, now: int
) -> None:
    starts = {v["id"]: v["startTs"] for v in (new or {}).get("studyVisits") or []}
    for visit in old.get("studyVisits") or []:
        if visit["startTs"] < now:
            continue
        if visit["id"] not in starts:
            plan.visits_removed += 1
            plan.removed_visit_ids.append(visit["id"])
        elif starts[visit["id"]] != visit["startTs"]:
            plan.visits_rescheduled += 1
            plan.rescheduled_visit_ids.append(visit["id"])


def live_documents(
    client: Client, index_uid: str, providers: Iterable[str] | None
) -> Iterator[dict[str, Any]]:
    """The live documents of these providers (every one when ``providers`` is None).

    Read page by page, so that a plan of a large rebuild holds one page at a time.
    """
    index = client.index(index_uid)
    parameters: dict[str, Any] = {"limit": PAGE_SIZE}
    if providers is not None:
        wanted = sorted(set(providers))
        if not wanted:
            return
        parameters["filter"] = f"providerOrgNumber IN {quote_list(wanted)}"
    offset = 0
    while True:
        try:
            page = index.get_documents({**parameters, "offset": offset})
        except MeilisearchApiError as exc:
            if exc.code == "index_not_found":
                return
            raise
        yield from (dict(doc) for doc in page.results)
        offset += len(page.results)
        if not page.results or offset >= page.total:
            return


def count_registrations(redis: Redis, plan: LoadPlan) -> None:
    """Fill in the active registrations of the plan's removed and rescheduled visits.

    Read-only: one pipelined SCARD per visit (``core.visits.keys.active``).
    """
    for ids, attribute in ((plan.removed_visit_ids, "registrations_cancelled"),
                           (plan.rescheduled_visit_ids, "registrations_rescheduled")):
        total = 0
        for start in range(0, len(ids), 1_000):
            pipe = redis.pipeline(transaction=False)
            for visit_id in ids[start : start + 1_000]:
                pipe.scard(keys.active(visit_id))
            total += sum(int(count) for count in pipe.execute())
        setattr(plan, attribute, total)


def plan_load(
    client: Client,
    index_uid: str,
    feeds: list[Feed],
    rejections: list[Rejection],
    reference: Reference,
    *,
    rebuild: bool,
    redis: Redis,
    now: int,
) -> LoadPlan:
    """What loading (or rebuilding from) these feeds would do; writes nothing anywhere."""
    scope = None if rebuild else [feed.provider["organisationNumber"] for feed in feeds]
    plan = compare(
        live_documents(client, index_uid, scope),
        new_documents(feeds, reference),
        kept_ids(feeds, rejections),
        now,
    )
    count_registrations(redis, plan)
    return plan
