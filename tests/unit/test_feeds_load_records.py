"""Load records read back from their Redis hash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.feeds.loads import (
    BODY_TTL_SECONDS,
    EXPIRED,
    RUNNING_LIMIT_SECONDS,
    UNFINISHED,
    LoadState,
    _record,
)


def _hash(state: str, received: datetime, **extra: str) -> dict[bytes, bytes]:
    fields = {"organisationNumber": "559301-4789", "state": state,
              "receivedAt": received.isoformat(timespec="seconds"), "accepted": "3",
              "rejected": "1", **extra}
    return {k.encode(): v.encode() for k, v in fields.items()}


def test_a_done_record_carries_the_loaders_figures() -> None:
    now = datetime.now(UTC)
    record = _record("L1", _hash("done", now, indexed="3", removed="2", seconds="1.25",
                                 startedAt="s", finishedAt="f"))
    assert record is not None
    assert (record.state, record.accepted, record.rejected) == (LoadState.DONE, 3, 1)
    assert (record.indexed, record.removed, record.seconds) == (3, 2, 1.25)
    assert record.error is None


def test_a_queued_load_whose_body_expired_reads_as_failed() -> None:
    old = datetime.now(UTC) - timedelta(seconds=BODY_TTL_SECONDS + 60)
    record = _record("L1", _hash("queued", old))
    assert record is not None
    assert (record.state, record.error) == (LoadState.FAILED, EXPIRED)
    recent = _record("L2", _hash("queued", datetime.now(UTC) - timedelta(hours=1)))
    assert recent is not None and recent.state is LoadState.QUEUED
    done = _record("L3", _hash("done", old, indexed="1", removed="0", seconds="1"))
    assert done is not None and done.state is LoadState.DONE


def test_a_load_running_past_the_limit_reads_as_failed() -> None:
    now = datetime.now(UTC)
    started = (now - timedelta(seconds=RUNNING_LIMIT_SECONDS + 60)).isoformat()
    record = _record("L1", _hash("running", now, startedAt=started))
    assert record is not None
    assert (record.state, record.error) == (LoadState.FAILED, UNFINISHED)
    fresh = _record("L2", _hash("running", now, startedAt=now.isoformat()))
    assert fresh is not None and fresh.state is LoadState.RUNNING


def test_an_expired_record_is_none() -> None:
    assert _record("L1", {}) is None
