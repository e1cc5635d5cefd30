"""Webhook events, each created in the transaction of the transition it announces, with one
delivery (an outbox row) per URL that asked for it.

- `job.succeeded` / `job.failed`: one event per run of a job (`job_events`), sent to the job's
  `webhook_url`, and to its batch's when the batch asked for `job_events`.
- `batch.completed`: one event per round of a batch (`batch_events`), when the last of its jobs
  ends; sent to the batch's `webhook_url`.

A delivery keeps the body it was made with; `workers/webhooks` sends it.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.db.models import Batch, BatchEvent, Delivery, Job, JobEvent, utcnow
from shared.schemas.api import BatchOut, JobOut
from shared.statuses import ACTIVE


def job_ended(
    session: Session, job_id: uuid.UUID, run: int, event: str, give_up: timedelta
) -> None:
    """Record a job's `event` for this run, its deliveries, and its batch's end if it was last.

    Call in the transaction that ends the job, after the job's row was updated.
    """
    job = session.get_one(Job, job_id)
    recorded = JobEvent(id=uuid.uuid4(), job_id=job_id, run=run, event=event, created_at=utcnow())
    session.add(recorded)
    batch = session.get(Batch, job.batch_id) if job.batch_id else None
    urls = [job.webhook_url] if job.webhook_url else []
    if batch is not None and batch.webhook_url and batch.options.get("job_events"):
        urls.append(batch.webhook_url)
    if urls:  # the job as the API shows it, only for a webhook that will carry it
        data = JobOut.of(job).model_dump(mode="json")
        body = _body(recorded.id, event, recorded.created_at, data)
        for url in dict.fromkeys(urls):
            delivery = _delivery(job.tenant_id, recorded.id, event, url, body, give_up)
            delivery.job_id, delivery.batch_id = job.id, job.batch_id
            session.add(delivery)
    if batch is not None:
        batch_progressed(session, batch.id, give_up)


def batch_progressed(session: Session, batch_id: uuid.UUID, give_up: timedelta) -> None:
    """Complete the batch's round if none of its jobs is left queued or running.

    The batch's row is locked first (on Postgres), so that of two jobs ending at once exactly
    one sees the other ended; SQLite runs one writer at a time anyway.
    """
    batch = session.scalars(select(Batch).where(Batch.id == batch_id).with_for_update()).one()
    if batch.completed_at is not None:
        return
    left = session.scalar(
        select(func.count()).where(Job.batch_id == batch_id, Job.status.in_(ACTIVE))
    )
    if left:
        return
    batch.completed_at = utcnow()
    recorded = BatchEvent(
        id=uuid.uuid4(),
        batch_id=batch_id,
        round=batch.round,
        event="batch.completed",
        created_at=batch.completed_at,
    )
    session.add(recorded)
    if batch.webhook_url:
        data = batch_out(session, batch).model_dump(mode="json")
        body = _body(recorded.id, recorded.event, recorded.created_at, data)
        delivery = _delivery(
            batch.tenant_id, recorded.id, recorded.event, batch.webhook_url, body, give_up
        )
        delivery.batch_id = batch_id
        session.add(delivery)


def batch_out(session: Session, batch: Batch) -> BatchOut:
    """The batch as the API shows it, its counts from its jobs' statuses."""
    rows = session.execute(
        select(Job.id, Job.status).where(Job.batch_id == batch.id).order_by(Job.batch_index)
    ).all()
    counts = dict.fromkeys(("queued", "running", "succeeded", "failed", "cancelled"), 0)
    for row in rows:
        counts[row.status] += 1
    ended = counts["succeeded"] + counts["failed"] + counts["cancelled"]
    base = f"/v1/batches/{batch.id}"
    return BatchOut.model_validate(
        {
            "id": batch.id,
            "type": batch.type,
            "status": "completed" if batch.completed_at else "running",
            "created_at": batch.created_at,
            "completed_at": batch.completed_at,
            "round": batch.round,
            "counts": counts | {"total": len(rows), "rejected": len(batch.rejected)},
            "progress": ended / len(rows) if rows else 1.0,
            "job_ids": [row.id for row in rows],
            "rejected": batch.rejected,
            "links": {
                "self": base,
                "jobs": f"/v1/jobs?batch_id={batch.id}",
                "results": {kind: f"{base}/result.{kind}" for kind in ("xlsx", "jsonl", "zip")},
            },
        }
    )


def _body(event_id: uuid.UUID, event: str, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(event_id), "event": event, "created_at": at.isoformat(), "data": data}


def _delivery(
    tenant_id: uuid.UUID,
    event_id: uuid.UUID,
    event: str,
    url: str,
    body: dict[str, Any],
    give_up: timedelta,
) -> Delivery:
    now = utcnow()
    return Delivery(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        event_id=event_id,
        event=event,
        url=url,
        payload=body,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        give_up_at=now + give_up,
        created_at=now,
    )
