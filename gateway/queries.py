"""Reading jobs and batches as a tenant sees them: one job, a page of them, a result."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from shared.db.models import Batch, FaceGroup, Job, RegisteredFace
from shared.errors import ConflictError, InvalidRequestError, JobNotFinishedError, NotFoundError
from shared.statuses import ACTIVE, JobStatus

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
    return page(session, query, Job, limit, cursor)


Listed = TypeVar("Listed", Job, Batch, FaceGroup, RegisteredFace)


def page(
    session: Session,
    query: Select[Listed],
    model: type[Listed],
    limit: int,
    cursor: str | None,
) -> tuple[list[Listed], str | None]:
    """A page of `query`'s rows, newest first, and the cursor of the next page."""
    if cursor:
        created_at, last_id = decode_cursor(cursor)
        query = query.where(
            or_(
                model.created_at < created_at,
                and_(model.created_at == created_at, model.id < last_id),
            )
        )
    rows = list(
        session.scalars(query.order_by(model.created_at.desc(), model.id.desc()).limit(limit + 1))
    )
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode_cursor(last.created_at, last.id)


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{created_at.isoformat()}|{row_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The position a cursor names; `400 invalid_request` for one this API did not give."""
    try:
        created_at, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        position = datetime.fromisoformat(created_at), uuid.UUID(row_id)
    except (ValueError, binascii.Error) as e:  # UnicodeDecodeError is a ValueError
        raise InvalidRequestError("the cursor is not one this API gave") from e
    if position[0].tzinfo is None or position[0] < EARLIEST:
        raise InvalidRequestError("the cursor is not one this API gave")
    return position


def require_result(job: Job) -> None:
    """`409 job_not_finished` while the job runs, `409 job_failed` if it has no result."""
    if job.status in ACTIVE:
        raise JobNotFinishedError(f"the job is {job.status}; its result is not ready")
    if job.status != JobStatus.SUCCEEDED or job.result is None:
        raise ConflictError("job_failed", f"the job {job.status} and has no result")
