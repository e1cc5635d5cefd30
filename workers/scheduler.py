"""The scheduler: one loop per deployment that keeps jobs moving.

- Expired leases (a worker died mid-job) go back to the queue, or fail with `worker_lost`
  after `max_attempts` (an image that keeps killing workers): see `JobLifecycle`.
- Queued jobs without a wake-up get one: those never sent (the broker was down at submit, a
  lease was recovered, a stopping worker could not send), and those whose wake-up the broker
  lost. A job's wake-up is looked for in the broker once `requeue_after_seconds` have passed
  since it was sent; a backlog waiting behind busy workers holds one wake-up per job however
  long it waits.
- Webhook deliveries that are due are handed to the `webhooks` queue, each attempt numbered
  (a delivery handed out is not handed out again before `lease` has passed, so a slow queue
  does not multiply attempts).
- Retention: originals and ended jobs past their tenant's time are removed (workers/retention).
- Heartbeats of workers gone for a week are removed.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery import Celery
from sqlalchemy import delete, select, update

from shared.analyses import ANALYSES
from shared.config import Settings
from shared.db.models import Delivery, Job, WorkerHeartbeat, utcnow
from shared.db.session import Database
from shared.lifecycle import JobLifecycle
from shared.queue import lane, send_delivery
from shared.statuses import JobStatus
from workers.retention import Retention
from workers.wakeups import BrokerQueues

log = logging.getLogger(__name__)

HEARTBEATS_KEPT = timedelta(days=7)
BATCH = 5000
"""Queued jobs (and due deliveries) looked at per tick, oldest first."""
RETENTION_EVERY_SECONDS = 60.0


@dataclass(frozen=True)
class _Waiting:
    id: uuid.UUID
    type: str
    enqueued_at: datetime | None
    batch_id: uuid.UUID | None

    @property
    def queue(self) -> str:
        return lane(self.type, batch=self.batch_id is not None)


@dataclass
class Reconciler:
    db: Database
    celery: Celery
    settings: Settings
    lifecycle: JobLifecycle
    broker: BrokerQueues = field(init=False)
    retention: Retention = field(init=False)
    _retained_at: float = field(init=False, default=float("-inf"))

    def __post_init__(self) -> None:
        self.broker = BrokerQueues(self.celery)
        self.retention = Retention(self.db, self.lifecycle.store, self.settings.retention)

    def tick(self) -> None:
        """One pass over everything the scheduler keeps moving."""
        self.lifecycle.recover_expired_leases(self.settings.worker.max_attempts)
        self.wake_waiting()
        self.dispatch_deliveries()
        if time.monotonic() - self._retained_at >= RETENTION_EVERY_SECONDS:
            self.retention.apply()
            self.forget_old_workers()
            self._retained_at = time.monotonic()

    def wake_waiting(self) -> None:
        """Send a wake-up to each queued job that has none in the broker."""
        cutoff = utcnow() - timedelta(seconds=self.settings.scheduler.requeue_after_seconds)
        with self.db.session() as session:
            rows = session.execute(
                select(Job.id, Job.type, Job.enqueued_at, Job.batch_id)
                .where(Job.status == JobStatus.QUEUED)
                .where(Job.enqueued_at.is_(None) | (Job.enqueued_at < cutoff))
                .order_by(Job.enqueued_at.is_not(None), Job.enqueued_at)
                .limit(BATCH)
            ).all()
        waiting = [_Waiting(*row) for row in rows if row.type in ANALYSES]
        by_queue: dict[str, list[_Waiting]] = defaultdict(list)
        for job in waiting:
            if job.enqueued_at is not None:
                by_queue[job.queue].append(job)
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
        if self.lifecycle.wake(self.celery, job.type, job.id, batch=job.batch_id is not None):
            log.info("job %s had no wake-up in the broker; sent one", job.id)

    def dispatch_deliveries(self) -> None:
        """Hand each due webhook delivery to the `webhooks` queue as its next attempt."""
        now = utcnow()
        webhooks = self.settings.webhooks
        lease = timedelta(seconds=3 * webhooks.timeout_seconds + 30)
        with self.db.session() as session:
            due = select(Delivery.id).where(
                Delivery.status == "pending", Delivery.next_attempt_at <= now
            )
            rows = session.execute(
                update(Delivery)
                .where(Delivery.id.in_(due.limit(BATCH).scalar_subquery()))
                .values(attempts=Delivery.attempts + 1, next_attempt_at=now + lease)
                .returning(Delivery.id, Delivery.attempts)
            ).all()
        for delivery_id, attempt in rows:
            try:
                send_delivery(self.celery, str(delivery_id), attempt)
            except Exception:  # handed out again once the lease has passed
                log.warning("could not send delivery %s", delivery_id, exc_info=True)

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
