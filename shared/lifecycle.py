"""Every status change of a job, in one place: conditional updates over `JobStatus`.

```
queued ──claim──▶ running ──succeed──▶ succeeded
  ▲  ▲              │  ├──fail──────▶ failed ──retry──▶ queued (a new run)
  │  └─release──────┘  └──lease expired, attempts left──▶ queued
  │                    └──lease expired, none left──────▶ failed (worker_lost)
  └───── cancel (queued or running) ─▶ cancelled ──retry──▶ queued
```

Executions may repeat (a message redelivered, a lease recovered); effects must not. So a job is
claimed from `queued` by one worker, only the holder of the claim (worker, run and attempt) can
end it, and the terminal transition, the result and the event are one transaction. Batches and
webhook events hang their own transitions on these.

Originals follow the `keep_original` option's rule here: a personal-data type's originals are
deleted when its job succeeds or is cancelled (a failed job keeps them for a retry); a retry
without them is `409 original_deleted`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from celery import Celery
from sqlalchemy import Update, func, select, update
from sqlalchemy.orm import Session

from shared import events
from shared.analyses import ANALYSES
from shared.config import WebhookSettings
from shared.db.models import Batch, Job, JobResult, utcnow
from shared.db.session import Database
from shared.errors import ConflictError, NotFoundError
from shared.queue import send_wakeup
from shared.statuses import ACTIVE, JobStatus
from shared.storage import ObjectStore

log = logging.getLogger(__name__)
JOB_ENDED_CHANNEL = "boda_job_ended"
"""On Postgres, every terminal transition notifies this channel with the job's id at commit
(gateway/job_watch listens)."""


@dataclass(frozen=True)
class Claim:
    """A worker's hold on one run and attempt of a job."""

    job_id: uuid.UUID
    worker: str
    run: int
    attempt: int


@dataclass(frozen=True)
class Outcome:
    """What a pipeline produced for a job, as stored."""

    payload: dict[str, Any]
    text: str
    models: dict[str, str]
    write: Callable[[Session], None] | None = None
    """What else the job changes (faces it registers), written in the result's transaction; a
    `BodaError` it raises undoes the whole transaction."""


class JobLifecycle:
    """The transitions, each one short transaction on `db`; originals removed from `store`."""

    def __init__(self, db: Database, store: ObjectStore, webhooks: WebhookSettings) -> None:
        self.db = db
        self.store = store
        self.give_up = timedelta(seconds=webhooks.give_up_after_seconds)
        """How long a webhook delivery of an event made here is tried."""

    # Waking workers

    def wake(
        self, celery: Celery, job_type: str, job_id: uuid.UUID, *, batch: bool = False
    ) -> bool:
        """Send a queued job's wake-up (to the batch lane for a batch's job) and record that it
        is in the broker; False (logged) when the broker cannot take it: the scheduler sends it
        later."""
        try:
            send_wakeup(celery, job_type, str(job_id), batch=batch)
        except Exception:
            log.warning("broker unavailable; job %s waits for the scheduler", job_id, exc_info=True)
            return False
        with self.db.session() as session:
            session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
                .values(enqueued_at=utcnow())
            )
        return True

    # A worker's transitions

    def claim(self, job_id: uuid.UUID, worker: str, lease_seconds: float) -> Claim | None:
        """Take a queued job for `worker`; None when it is not queued (done, taken or gone)."""
        now = utcnow()
        with self.db.session() as session:
            row = session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
                .values(
                    status=JobStatus.RUNNING,
                    claimed_by=worker,
                    lease_until=now + timedelta(seconds=lease_seconds),
                    attempts=Job.attempts + 1,
                    started_at=now,
                )
                .returning(Job.run, Job.attempts)
            ).one_or_none()
        return None if row is None else Claim(job_id, worker, run=row.run, attempt=row.attempts)

    def renew(self, held: Claim, lease_seconds: float) -> bool:
        """Extend the lease; False when the claim was lost (cancelled or taken back)."""
        lease_until = utcnow() + timedelta(seconds=lease_seconds)
        with self.db.session() as session:
            return _applied(session, _held(held).values(lease_until=lease_until))

    def release(self, held: Claim, *, resend: bool = False) -> bool:
        """Give a job back to the queue without counting the attempt: a transient failure
        (storage or database down: the task's retry is its wake-up) or a worker stopping
        (`resend`: the scheduler sends a new wake-up at its next tick)."""
        with self.db.session() as session:
            return _applied(
                session,
                _held(held).values(
                    status=JobStatus.QUEUED,
                    claimed_by=None,
                    lease_until=None,
                    enqueued_at=None if resend else utcnow(),
                    attempts=Job.attempts - 1,
                ),
            )

    def succeed(self, held: Claim, outcome: Outcome) -> bool:
        """End the job with its result; False (and nothing written) if the claim was lost.
        A `BodaError` of `outcome.write` propagates with nothing written."""
        with self.db.session() as session:
            ended = _end(session, _held(held), JobStatus.SUCCEEDED, {"models": outcome.models})
            if ended is None:
                return False
            session.add(JobResult(job_id=held.job_id, payload=outcome.payload, text=outcome.text))
            if outcome.write is not None:
                outcome.write(session)
            events.job_ended(session, held.job_id, held.run, "job.succeeded", self.give_up)
        self._remove(ended)
        return True

    def fail(self, held: Claim, code: str, message: str) -> bool:
        """End the job as failed with a stable code; False if the claim was lost."""
        with self.db.session() as session:
            values = {"error_code": code, "error_message": message}
            if _end(session, _held(held), JobStatus.FAILED, values) is None:
                return False
            events.job_ended(session, held.job_id, held.run, "job.failed", self.give_up)
        return True

    # The scheduler's transitions

    def recover_expired_leases(self, max_attempts: int, limit: int = 500) -> int:
        """Jobs whose worker stopped renewing: queued again (to be woken by the scheduler), or
        failed with `worker_lost` once `max_attempts` runs crashed. Returns how many requeued."""
        with self.db.session() as session:
            expired = session.execute(
                select(Job.id, Job.attempts, Job.lease_until, Job.run)
                .where(Job.status == JobStatus.RUNNING, Job.lease_until < utcnow())
                .limit(limit)
            ).all()
        requeued = 0
        for job_id, attempts, lease_until, run in expired:
            # Matching the lease seen makes this a no-op if the worker renewed meanwhile.
            taken_back = update(Job).where(
                Job.id == job_id, Job.status == JobStatus.RUNNING, Job.lease_until == lease_until
            )
            if attempts >= max_attempts:
                self._lose(taken_back, job_id, run)
                continue
            with self.db.session() as session:
                back = _applied(
                    session,
                    taken_back.values(
                        status=JobStatus.QUEUED, claimed_by=None, lease_until=None, enqueued_at=None
                    ),
                )
            if back:
                log.warning("job %s: its worker's lease expired; queued again", job_id)
                requeued += 1
        return requeued

    def _lose(self, taken_back: Update, job_id: uuid.UUID, run: int) -> None:
        values = {
            "error_code": "worker_lost",
            "error_message": "the worker processing this job stopped, every attempt",
        }
        with self.db.session() as session:
            if _end(session, taken_back, JobStatus.FAILED, values) is None:
                return
            events.job_ended(session, job_id, run, "job.failed", self.give_up)
        log.warning("job %s failed: worker lost on every attempt", job_id)

    # A client's transitions

    def cancel(self, tenant_id: uuid.UUID, job_id: uuid.UUID) -> None:
        """A queued or running job ends as cancelled; a running worker stops at its next step
        and its result is dropped. `409 job_finished` for a job that already ended."""
        active = update(Job).where(
            Job.id == job_id,
            Job.tenant_id == tenant_id,
            Job.status.in_(ACTIVE),
        )
        with self.db.session() as session:
            ended = _end(session, active, JobStatus.CANCELLED, {})
            if ended is None:
                status = _status(session, tenant_id, job_id)
                raise ConflictError("job_finished", f"the job already ended ({status})")
            if ended.batch_id is not None:
                events.batch_progressed(session, ended.batch_id, self.give_up)
        self._remove(ended)

    def retry(self, tenant_id: uuid.UUID, job_id: uuid.UUID) -> None:
        """A failed or cancelled job runs again under the same id: a new run, fresh attempts.

        `409 job_not_retryable` unless it failed or was cancelled, `409 original_deleted` once
        its originals are gone.
        """
        retryable = update(Job).where(
            Job.id == job_id,
            Job.tenant_id == tenant_id,
            Job.status.in_((JobStatus.FAILED, JobStatus.CANCELLED)),
            Job.originals_deleted_at.is_(None),
        )
        with self.db.session() as session:
            row = session.execute(
                retryable.values(_RETRIED | {"run": Job.run + 1}).returning(Job.batch_id)
            ).one_or_none()
            if row is not None:
                if row.batch_id is not None:
                    _reopen(session, row.batch_id)
                return
            status = _status(session, tenant_id, job_id)
        if status in (JobStatus.FAILED, JobStatus.CANCELLED):
            raise ConflictError("original_deleted", "the job's original was deleted; submit again")
        raise ConflictError("job_not_retryable", f"only failed or cancelled jobs retry ({status})")

    def delete(self, tenant_id: uuid.UUID, job_id: uuid.UUID) -> None:
        """Remove the job, its result and its originals."""
        with self.db.session() as session:
            job = session.get(Job, job_id)
            if job is None or job.tenant_id != tenant_id:
                raise NotFoundError(f"job {job_id} not found")
            originals = list(job.originals.values())
            session.delete(job)
        self._delete_objects(originals)

    def _remove(self, ended: _Ended) -> None:
        """Delete an ended job's originals where its type's personal-data rule says so."""
        if ended.remove_originals:
            self._delete_objects(list(ended.originals.values()))

    def _delete_objects(self, keys: list[str]) -> None:
        for key in keys:
            try:
                self.store.delete(key)
            except Exception:  # recorded as deleted; retention sweeps what is left behind
                log.warning("could not delete original %s", key, exc_info=True)


_RETRIED = {
    "status": JobStatus.QUEUED,
    "attempts": 0,
    "error_code": None,
    "error_message": None,
    "started_at": None,
    "finished_at": None,
    "enqueued_at": None,
}


@dataclass(frozen=True)
class _Ended:
    originals: dict[str, str]
    remove_originals: bool
    batch_id: uuid.UUID | None


def _reopen(session: Session, batch_id: uuid.UUID) -> None:
    """A job of a completed batch runs again: the batch starts a new round (and will announce
    its end again)."""
    session.execute(
        update(Batch)
        .where(Batch.id == batch_id, Batch.completed_at.is_not(None))
        .values(completed_at=None, round=Batch.round + 1)
    )


def _end(
    session: Session, condition: Update, status: JobStatus, values: dict[str, Any]
) -> _Ended | None:
    """Move a job matched by `condition` to a terminal `status`; None if none matched.

    In the same transaction, a personal-data type's originals are marked deleted (unless the
    job failed, or its options keep them): the caller deletes the objects once committed.
    """
    now = utcnow()
    row = session.execute(
        condition.values(
            status=status, finished_at=now, claimed_by=None, lease_until=None, **values
        ).returning(
            Job.id, Job.type, Job.options, Job.originals, Job.originals_deleted_at, Job.batch_id
        )
    ).one_or_none()
    if row is None:
        return None
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_notify(JOB_ENDED_CHANNEL, str(row.id))))
    analysis = ANALYSES.get(row.type)
    remove = (
        status != JobStatus.FAILED
        and row.originals_deleted_at is None
        and analysis is not None
        and not analysis.keeps_original(row.options)
    )
    if remove:
        session.execute(update(Job).where(Job.id == row.id).values(originals_deleted_at=now))
    return _Ended(dict(row.originals), remove, row.batch_id)


def _status(session: Session, tenant_id: uuid.UUID, job_id: uuid.UUID) -> str:
    """The status of the tenant's job; another tenant's job is as absent as a missing one."""
    job = session.execute(
        select(Job.status).where(Job.id == job_id, Job.tenant_id == tenant_id)
    ).one_or_none()
    if job is None:
        raise NotFoundError(f"job {job_id} not found")
    return str(job.status)


def _applied(session: Session, statement: Update) -> bool:
    """Run a conditional UPDATE of one job; True when its condition held and it changed."""
    return session.execute(statement.returning(Job.id)).first() is not None


def _held(held: Claim) -> Update:
    return update(Job).where(
        Job.id == held.job_id,
        Job.status == JobStatus.RUNNING,
        Job.claimed_by == held.worker,
        Job.run == held.run,
        Job.attempts == held.attempt,
    )
