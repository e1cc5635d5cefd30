"""Job claims: how a worker takes a job, keeps it and lets it go.

Every change is a conditional UPDATE, so executions may happen more than once (a message
redelivered, a lease recovered) while effects happen once: a job is claimed from `queued` by
one worker, and only the holder of the claim can end it. The terminal transition, the result
rows and the event row are one transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Update, update
from sqlalchemy.orm import Session

from shared.db.models import Job, JobEvent, JobResult, utcnow
from shared.db.session import Database


@dataclass(frozen=True)
class Claim:
    job_id: uuid.UUID
    worker: str
    run: int
    attempt: int


def claim(db: Database, job_id: uuid.UUID, worker: str, lease_seconds: float) -> Claim | None:
    """Take a queued job for `worker`; None when it is not queued (done, taken or gone)."""
    now = utcnow()
    with db.session() as session:
        row = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "queued")
            .values(
                status="running",
                claimed_by=worker,
                lease_until=now + timedelta(seconds=lease_seconds),
                attempts=Job.attempts + 1,
                started_at=now,
            )
            .returning(Job.run, Job.attempts)
        ).one_or_none()
    return None if row is None else Claim(job_id, worker, run=row.run, attempt=row.attempts)


def renew(db: Database, held: Claim, lease_seconds: float) -> bool:
    """Extend the lease; False when the claim was lost (cancelled or taken back)."""
    with db.session() as session:
        lease_until = utcnow() + timedelta(seconds=lease_seconds)
        return applied(session, _held(held).values(lease_until=lease_until))


def release(db: Database, held: Claim) -> None:
    """Give a job back to the queue after a transient failure (storage or database down).

    The attempt does not count: `attempts` bounds the runs that crashed a worker.
    """
    with db.session() as session:
        session.execute(
            _held(held).values(
                status="queued",
                claimed_by=None,
                lease_until=None,
                enqueued_at=utcnow(),
                attempts=Job.attempts - 1,
            )
        )


def succeed(
    db: Database, held: Claim, payload: dict[str, Any], text: str, models: dict[str, str]
) -> bool:
    """End the job with its result; False (and nothing written) if the claim was lost."""
    with db.session() as session:
        if not applied(session, _held(held).values(_terminal("succeeded") | {"models": models})):
            return False
        session.add(JobResult(job_id=held.job_id, payload=payload, text=text))
        session.add(JobEvent(job_id=held.job_id, run=held.run, event="job.succeeded"))
    return True


def fail(db: Database, held: Claim, code: str, message: str) -> bool:
    """End the job as failed with a stable code; False if the claim was lost."""
    with db.session() as session:
        values = _terminal("failed") | {"error_code": code, "error_message": message}
        if not applied(session, _held(held).values(values)):
            return False
        session.add(JobEvent(job_id=held.job_id, run=held.run, event="job.failed"))
    return True


def applied(session: Session, statement: Update) -> bool:
    """Run a conditional UPDATE of one job; True when its condition held and it changed."""
    return session.execute(statement.returning(Job.id)).first() is not None


def _held(held: Claim) -> Update:
    return update(Job).where(
        Job.id == held.job_id,
        Job.status == "running",
        Job.claimed_by == held.worker,
        Job.run == held.run,
        Job.attempts == held.attempt,
    )


def _terminal(status: str) -> dict[str, Any]:
    return {"status": status, "finished_at": utcnow(), "claimed_by": None, "lease_until": None}
