"""The scheduler: one loop per deployment that keeps jobs moving.

- Expired leases (a worker died mid-job) go back to the queue, or fail with `worker_lost`
  after `max_attempts` (an image that keeps killing workers): see `JobLifecycle`.
- Queued jobs without a wake-up get one: those never sent (the broker was down at submit, a
  lease was recovered, a stopping worker could not send), and those whose wake-up the broker
  lost. A job's wake-up is looked for in the broker once `requeue_after_seconds` have passed
  since it was sent; a backlog waiting behind busy workers holds one wake-up per job however
  long it waits.
- Heartbeats of workers gone for a week are removed.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery import Celery
from sqlalchemy import delete, select

from shared.analyses import ANALYSES
from shared.config import Settings
from shared.db.models import Job, WorkerHeartbeat, utcnow
from shared.db.session import Database
from shared.lifecycle import JobLifecycle, JobStatus
from workers.wakeups import BrokerQueues

log = logging.getLogger(__name__)

HEARTBEATS_KEPT = timedelta(days=7)
BATCH = 5000
"""Queued jobs looked at per tick, oldest wake-up first."""


@dataclass(frozen=True)
class _Waiting:
    id: uuid.UUID
    type: str
    enqueued_at: datetime | None


@dataclass
class Reconciler:
    db: Database
    celery: Celery
    settings: Settings
    lifecycle: JobLifecycle
    broker: BrokerQueues = field(init=False)

    def __post_init__(self) -> None:
        self.broker = BrokerQueues(self.celery)

    def tick(self) -> None:
        """One pass: recover expired leases, wake jobs without a wake-up, forget old workers."""
        self.lifecycle.recover_expired_leases(self.settings.worker.max_attempts)
        self.wake_waiting()
        self.forget_old_workers()

    def wake_waiting(self) -> None:
        """Send a wake-up to each queued job that has none in the broker."""
        cutoff = utcnow() - timedelta(seconds=self.settings.scheduler.requeue_after_seconds)
        with self.db.session() as session:
            rows = session.execute(
                select(Job.id, Job.type, Job.enqueued_at)
                .where(Job.status == JobStatus.QUEUED)
                .where(Job.enqueued_at.is_(None) | (Job.enqueued_at < cutoff))
                .order_by(Job.enqueued_at.is_not(None), Job.enqueued_at)
                .limit(BATCH)
            ).all()
        waiting = [_Waiting(*row) for row in rows if row.type in ANALYSES]
        by_queue: dict[str, list[_Waiting]] = defaultdict(list)
        for job in waiting:
            if job.enqueued_at is not None:
                by_queue[ANALYSES[job.type].queue].append(job)
        lost = [job for queue, jobs in by_queue.items() for job in self._lost(queue, jobs)]
        for job in [job for job in waiting if job.enqueued_at is None] + lost:
            self._send(job)

    def _lost(self, queue: str, sent: list[_Waiting]) -> list[_Waiting]:
        """The jobs of `sent` (oldest first) whose wake-up is not in the broker's `queue`."""
        try:
            pending = self.broker.pending(queue)
            if pending is not None:
                return [job for job in sent if str(job.id) not in pending]
            # Only counts are known: the oldest wake-ups are the likeliest to be gone.
            return sent[: max(0, len(sent) - self.broker.count(queue))]
        except Exception:
            log.warning("could not read the broker's %s queue", queue, exc_info=True)
            return []

    def _send(self, job: _Waiting) -> None:
        # If the broker cannot take it, enqueued_at stays as it was: tried again next tick.
        if self.lifecycle.wake(self.celery, job.type, job.id):
            log.info("job %s had no wake-up in the broker; sent one", job.id)

    def forget_old_workers(self) -> None:
        with self.db.session() as session:
            session.execute(
                delete(WorkerHeartbeat).where(
                    WorkerHeartbeat.last_seen < utcnow() - HEARTBEATS_KEPT
                )
            )


def run_forever(reconciler: Reconciler, stop: threading.Event) -> None:
    """Tick every `scheduler.interval_seconds` until `stop` is set; errors do not end it."""
    interval = reconciler.settings.scheduler.interval_seconds
    log.info("scheduler started (every %.1f s)", interval)
    while not stop.is_set():
        try:
            reconciler.tick()
        except Exception:
            log.exception("scheduler tick failed; trying again")
        stop.wait(interval)
