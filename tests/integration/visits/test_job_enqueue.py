"""Enqueueing e-mail jobs in one script (core/visits/dispatch.py): arq's format, expiry and
job-id dedupe, and the guard that sends a reservation's jobs with its write."""

from __future__ import annotations

import dataclasses

from arq.connections import ArqRedis
from redis.asyncio import Redis

from core.settings import Settings
from core.visits import dispatch, keys
from core.visits.dispatch import Job
from core.visits.models import Language, Registration, RegistrationStatus
from core.visits.store import RegistrationStore, ReserveOutcome
from tests.integration.visits.conftest import VisitIndex, indexed_visit

JOBS = (Job.PROVIDER_NOTIFICATION, Job.JOBSEEKER_RECEIPT)


async def test_jobs_are_queued_once_in_arqs_format_with_their_lifetime(
        queue: ArqRedis) -> None:
    assert await dispatch.enqueue_all(queue, JOBS, "reg-1")
    assert await dispatch.enqueue_all(queue, JOBS, "reg-1")  # the same ids: nothing more
    queued = sorted(await queue.queued_jobs(), key=lambda job: job.function)
    assert [(job.function, job.args, job.job_id) for job in queued] == [
        (job.value, ("reg-1",), dispatch.job_id(job, "reg-1"))
        for job in sorted(JOBS, key=lambda job: job.value)]
    lifetime = dispatch.EMAIL_JOB_LIFETIME.total_seconds() * 1000
    ttl = await queue.pttl(f"arq:job:{dispatch.job_id(Job.JOBSEEKER_RECEIPT, 'reg-1')}")
    assert lifetime - 60_000 < ttl <= lifetime

    # a job that has run (its result is kept) is not queued again, as with enqueue_job
    done = dispatch.job_id(Job.PROVIDER_NOTIFICATION, "reg-2")
    await queue.set(f"arq:result:{done}", b"result")
    assert await dispatch.enqueue_all(queue, JOBS, "reg-2")
    assert {job.job_id for job in await queue.queued_jobs()} == {
        *(dispatch.job_id(job, "reg-1") for job in JOBS),
        dispatch.job_id(Job.JOBSEEKER_RECEIPT, "reg-2")}


async def test_guarded_jobs_are_queued_only_while_the_guard_key_exists(
        queue: ArqRedis) -> None:
    command = dispatch.enqueue_command(queue, JOBS, "reg-3", guard=keys.registration("reg-3"))
    assert await queue.execute_command(*command) == 0  # type: ignore[no-untyped-call]
    assert await queue.zcard("arq:queue") == 0
    await queue.hset(keys.registration("reg-3"), "status", "PENDING")
    assert await queue.execute_command(*command) == 2  # type: ignore[no-untyped-call]
    assert await queue.zcard("arq:queue") == 2


async def test_a_reservation_queues_its_jobs_only_when_it_stored_the_registration(
        vsettings: Settings, visit_index: VisitIndex, redis: Redis, queue: ArqRedis) -> None:
    visit = dataclasses.replace(await indexed_visit(vsettings, visit_index.two_seats),
                                capacity=1)
    store = RegistrationStore(redis)
    outcomes = []
    for n in range(2):
        registration = Registration(
            id=f"reg-seat-{n}", status=RegistrationStatus.PENDING, visit=visit,
            name="Ann Andersson", email=f"ann{n}@example.se", phone=None,
            language=Language.SV, created_at=1, updated_at=1, expires_at=visit.end_ts + 60)
        then = dispatch.enqueue_command(queue, JOBS, registration.id,
                                        guard=keys.registration(registration.id))
        reserved = await store.reserve(registration, f"digest-{n}", 1, then=then)
        outcomes.append(reserved.outcome)
    assert outcomes == [ReserveOutcome.OK, ReserveOutcome.FULL]
    assert {job.job_id for job in await queue.queued_jobs()} == {
        dispatch.job_id(job, "reg-seat-0") for job in JOBS}
