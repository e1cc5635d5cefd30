"""The scheduler: one loop per deployment that keeps jobs moving.

- Expired leases (a worker died mid-job) go back to the queue, or fail with `worker_lost`
  after `max_attempts` (an image that keeps killing workers).
- Jobs queued too long without a wake-up (broker down at submit time, a message lost with a
  folder-broker worker) are sent again, at most once per `requeue_after_seconds` each.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import Celery
from sqlalchemy import Update, or_, select, update

from shared.analysis import ANALYSIS_TYPES
from shared.config import Settings
from shared.db.models import Job, JobEvent, utcnow
from shared.db.session import Database
from shared.queue import send_job
from workers.claims import applied

log = logging.getLogger(__name__)


@dataclass
class Reconciler:
    db: Database
    celery: Celery
    settings: Settings

    def tick(self) -> None:
        """One pass: recover expired leases, then wake jobs that wait without a message."""
        self.recover_expired_leases()
        self.requeue_waiting()

    def recover_expired_leases(self) -> None:
        now = utcnow()
        with self.db.session() as session:
            expired = session.execute(
                select(Job.id, Job.attempts, Job.lease_until, Job.run)
                .where(Job.status == "running", Job.lease_until < now)
                .limit(500)
            ).all()
        for job_id, attempts, lease_until, run in expired:
            assert lease_until is not None  # selected by `lease_until < now`
            if attempts >= self.settings.worker.max_attempts:
                self._fail_lost(job_id, lease_until, run)
            else:
                self._requeue_lost(job_id, lease_until)

    def _fail_lost(self, job_id: uuid.UUID, lease_until: datetime, run: int) -> None:
        with self.db.session() as session:
            ended = applied(
                session,
                _expired(job_id, lease_until).values(
                    status="failed",
                    error_code="worker_lost",
                    error_message="the worker processing this job stopped, every attempt",
                    finished_at=utcnow(),
                    claimed_by=None,
                    lease_until=None,
                ),
            )
            if ended:
                session.add(JobEvent(job_id=job_id, run=run, event="job.failed"))
        if ended:
            log.warning("job %s failed: worker lost on every attempt", job_id)

    def _requeue_lost(self, job_id: uuid.UUID, lease_until: datetime) -> None:
        with self.db.session() as session:
            taken = session.execute(
                _expired(job_id, lease_until)
                .values(status="queued", claimed_by=None, lease_until=None, enqueued_at=utcnow())
                .returning(Job.type)
            ).one_or_none()
        if taken is not None:
            log.warning("job %s: its worker's lease expired; queued again", job_id)
            self._send(job_id, taken.type)

    def requeue_waiting(self) -> None:
        cutoff = utcnow() - timedelta(seconds=self.settings.scheduler.requeue_after_seconds)
        with self.db.session() as session:
            waiting = session.execute(
                update(Job)
                .where(
                    Job.status == "queued",
                    or_(Job.enqueued_at.is_(None), Job.enqueued_at < cutoff),
                )
                .values(enqueued_at=utcnow())
                .returning(Job.id, Job.type)
            ).all()
        for job_id, job_type in waiting:
            log.info("job %s waited without a worker; sent again", job_id)
            self._send(job_id, job_type)

    def _send(self, job_id: uuid.UUID, job_type: str) -> None:
        try:
            send_job(self.celery, job_type, ANALYSIS_TYPES[job_type].queue, str(job_id))
        except Exception:
            # enqueued_at is set, so the job is tried again after requeue_after_seconds.
            log.warning("could not send job %s to the broker", job_id, exc_info=True)


def _expired(job_id: uuid.UUID, lease_until: datetime) -> Update:
    # Matching the lease we saw makes the take-back a no-op if the worker renewed meanwhile.
    return update(Job).where(
        Job.id == job_id, Job.status == "running", Job.lease_until == lease_until
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
