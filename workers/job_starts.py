"""The arq worker, with the jobs of one poll claimed concurrently, each in one step.

arq 0.28 starts the jobs it found in a poll one after the other: for each it watches the
job's in-progress key, reads it and the job's score, and sets the key in a transaction
(four round trips, the last one a write that an ``appendfsync always`` Redis syncs to
disk before answering). Started so, one worker began at most about 70 jobs a second on
the development machine however short the jobs were, and ran one or two at a time
(``bench/email_throughput.py``: 21-54 emails/s while each job took 10-30 ms).

:class:`Worker` makes the same decision for each job in one Lua script (the in-progress
key absent, the job still queued and due: then the key is set, with arq's timeout), and
starts each job as soon as it has a running slot (``max_jobs`` still bounds the jobs
running) without waiting for the claims of the others. A job started elsewhere, gone or
deferred again is skipped, as arq skips it.

A running job stays in the queue until it ends, so a poll finds the jobs this worker is
running first; arq waited for a free slot before finding each of them taken. They are
passed over here, and the worker reads twice ``max_jobs`` ids per poll
(``queue_read_limit``, :mod:`workers.settings`), so that a slot that frees up is taken
by a waiting job at once.
"""

from __future__ import annotations

import asyncio
from typing import Any

from arq import worker as arq_worker
from arq.constants import in_progress_key_prefix
from arq.utils import timestamp_ms

from core.redis_values import as_text

# KEYS: in-progress key, queue; ARGV: job id, now (ms), in-progress timeout (ms).
# Reply: the job's score when it was claimed, else nil.
_CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not score or tonumber(score) > tonumber(ARGV[2]) then return false end
redis.call('PSETEX', KEYS[1], ARGV[3], '1')
return score
"""


class Worker(arq_worker.Worker):
    """arq's worker; :meth:`start_jobs` claims the polled jobs concurrently."""

    _claim_script: Any = None

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        """Take a running slot for each job id (up to ``max_jobs``) and claim and start
        it at once; a claim that loses gives its slot back."""
        claims = []
        for job_id in job_ids:
            running = self.tasks.get(job_id.decode())
            if running is not None and not running.done():
                continue  # running here: it stays queued until it ends
            await self.sem.acquire()
            if self.job_counter >= self.max_jobs:
                self.sem.release()
                break
            self.job_counter += 1
            claims.append(asyncio.ensure_future(self._claim_and_start(job_id.decode())))
        await asyncio.gather(*claims)

    async def _claim_and_start(self, job_id: str) -> None:
        if self._claim_script is None:
            self._claim_script = self.pool.register_script(_CLAIM)
        try:
            score = await self._claim_script(
                keys=[in_progress_key_prefix + job_id, self.queue_name],
                args=[job_id, timestamp_ms(), int(self.in_progress_timeout_s * 1000)])
        except BaseException:
            self._give_back()
            raise
        if score is None:  # running elsewhere, finished, or deferred again
            self._give_back()
            return
        task = self.loop.create_task(self.run_job(job_id, int(float(as_text(score)))))
        task.add_done_callback(lambda _: self._release_sem_dec_counter_on_complete())
        self.tasks[job_id] = task

    def _give_back(self) -> None:
        self.job_counter -= 1
        self.sem.release()
