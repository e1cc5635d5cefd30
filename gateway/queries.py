"""Reading jobs as a tenant sees them: one job, a page of jobs, a result."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from shared.db.models import Job
from shared.errors import ConflictError, InvalidRequestError, JobNotFinishedError, NotFoundError
from shared.lifecycle import JobStatus
from shared.schemas.api import InputInfo, JobError, JobLinks, JobOut

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
"""No job is older: a cursor before this was not made by this API."""


def get_job(session: Session, tenant_id: uuid.UUID, job_id: uuid.UUID) -> Job:
    """The tenant's job; another tenant's job is as absent as a missing one."""
    job = session.get(Job, job_id)
    if job is None or job.tenant_id != tenant_id:
        raise NotFoundError(f"job {job_id} not found")
    return job


def list_jobs(
    session: Session,
    tenant_id: uuid.UUID,
    filters: dict[str, Any],
    limit: int,
    cursor: str | None,
) -> tuple[list[Job], str | None]:
    """A page of the tenant's jobs, newest first, and the cursor of the next page."""
    query = select(Job).where(Job.tenant_id == tenant_id)
    for column, value in filters.items():
        if value is not None:
            query = query.where(getattr(Job, column) == value)
    if cursor:
        created_at, last_id = decode_cursor(cursor)
        query = query.where(
            or_(Job.created_at < created_at, and_(Job.created_at == created_at, Job.id < last_id))
        )
    jobs = list(
        session.scalars(query.order_by(Job.created_at.desc(), Job.id.desc()).limit(limit + 1))
    )
    if len(jobs) <= limit:
        return jobs, None
    last = jobs[limit - 1]
    return jobs[:limit], encode_cursor(last.created_at, last.id)


def encode_cursor(created_at: datetime, job_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{created_at.isoformat()}|{job_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The position a cursor names; `400 invalid_request` for one this API did not give."""
    try:
        created_at, job_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        position = datetime.fromisoformat(created_at), uuid.UUID(job_id)
    except (ValueError, binascii.Error) as e:  # UnicodeDecodeError is a ValueError
        raise InvalidRequestError("the cursor is not one this API gave") from e
    if position[0].tzinfo is None or position[0] < EARLIEST:
        raise InvalidRequestError("the cursor is not one this API gave")
    return position


def require_result(job: Job) -> None:
    """`409 job_not_finished` while the job runs, `409 job_failed` if it has no result."""
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        raise JobNotFinishedError(f"the job is {job.status}; its result is not ready")
    if job.status != JobStatus.SUCCEEDED or job.result is None:
        raise ConflictError("job_failed", f"the job {job.status} and has no result")


def job_out(job: Job) -> JobOut:
    """The job as the API shows it."""
    links = JobLinks(self=f"/v1/jobs/{job.id}", result=f"/v1/jobs/{job.id}/result")
    error = (
        JobError(code=job.error_code, message=job.error_message or "") if job.error_code else None
    )
    return JobOut(
        id=job.id,
        type=job.type,
        status=JobStatus(job.status),
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        batch_id=job.batch_id,
        input=_input(job.input),
        pages=job.pages,
        models=job.models,
        error=error,
        attempts=job.attempts,
        original_deleted=job.originals_deleted_at is not None,
        links=links,
    )


def _input(described: dict[str, Any]) -> InputInfo | dict[str, InputInfo]:
    """One file's description, or one per input by name (`source`, `target`)."""
    if "sha256" in described:
        return InputInfo.model_validate(described)
    return {name: InputInfo.model_validate(info) for name, info in described.items()}
