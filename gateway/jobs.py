"""Jobs as the gateway sees them: accept an upload, show, list, cancel, retry, delete.

Accepting is ordered so that nothing is left behind on a refusal: validate the bytes, store
the original, insert the row (removing the object if that fails), then wake a worker. If the
broker is down the job stays queued and the scheduler sends it later.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.services import Services
from shared.analysis import ANALYSIS_TYPES, TERMINAL_STATUSES, AnalysisType
from shared.db.models import Job, utcnow
from shared.errors import (
    ConflictError,
    InvalidOptionsError,
    InvalidRequestError,
    InvalidTypeError,
    JobNotFinishedError,
    ModelUnavailableError,
    NotFoundError,
)
from shared.images import inspect_document
from shared.queue import send_job
from shared.schemas.api import InputInfo, JobError, JobLinks, JobOut
from shared.schemas.options import parse_options

IDEMPOTENCY_WINDOW = timedelta(hours=24)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class Submission:
    type: str
    upload: Upload
    options: dict[str, Any]
    webhook_url: str | None
    idempotency_key: str | None


def analysis_type(name: str) -> AnalysisType:
    analysis = ANALYSIS_TYPES.get(name)
    if analysis is None:
        raise InvalidTypeError(
            f"unknown analysis type {name!r}", details={"allowed": sorted(ANALYSIS_TYPES)}
        )
    if not analysis.installed:
        raise ModelUnavailableError(f"the {name!r} analysis is not installed in this deployment")
    return analysis


def options_from_form(job_type: str, raw: str | None) -> dict[str, Any]:
    if not raw:
        return parse_options(job_type, {})
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as e:
        raise InvalidOptionsError(f"options is not valid JSON: {e.msg}") from e
    if not isinstance(value, dict):
        raise InvalidOptionsError("options must be a JSON object")
    return parse_options(job_type, value)


def submit(services: Services, tenant_id: uuid.UUID, sub: Submission) -> tuple[Job, bool]:
    """Record and enqueue a job; returns it and whether it was created now (not a replay)."""
    analysis = analysis_type(sub.type)
    limits = services.settings.limits
    info = inspect_document(
        sub.upload.data, limits, max_pages=limits.max_pages if analysis.all_pages else None
    )
    digest = hashlib.sha256(sub.upload.data).hexdigest()
    request_sha256 = _request_sha256(sub, digest)
    if sub.idempotency_key:
        with services.db.session() as session:
            earlier = _replay(session, tenant_id, sub.idempotency_key, request_sha256)
        if earlier is not None:
            return earlier, False
    job = Job(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        type=sub.type,
        input=InputInfo(
            filename=sub.upload.filename,
            content_type=info.content_type,
            bytes=len(sub.upload.data),
            sha256=digest,
            width=info.width,
            height=info.height,
        ).model_dump(),
        pages=info.pages,
        options=sub.options,
        webhook_url=sub.webhook_url,
        idempotency_key=sub.idempotency_key,
        request_sha256=request_sha256,
    )
    job.object_key = f"originals/{tenant_id}/{job.id}"
    _store_and_insert(services, job, sub.upload.data, info.content_type)
    wake(services, job)
    return job, True


def _request_sha256(sub: Submission, digest: str) -> str:
    canonical = json.dumps(
        [sub.type, digest, sub.options, sub.webhook_url], sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(session: Session, tenant_id: uuid.UUID, key: str, request_sha256: str) -> Job | None:
    """The job an idempotency key already made within the window, if any."""
    job = session.scalar(select(Job).where(Job.tenant_id == tenant_id, Job.idempotency_key == key))
    if job is None:
        return None
    if job.created_at < utcnow() - IDEMPOTENCY_WINDOW:
        job.idempotency_key = None  # expired: the key may name a new request
        return None
    if job.request_sha256 != request_sha256:
        raise ConflictError(
            "idempotency_key_mismatch", "this Idempotency-Key was used for another request"
        )
    return job


def _store_and_insert(services: Services, job: Job, data: bytes, content_type: str) -> None:
    assert job.object_key is not None
    services.store.put(job.object_key, data, content_type)
    try:
        with services.db.session() as session:
            session.add(job)
    except IntegrityError as e:
        services.store.delete(job.object_key)
        raise ConflictError(
            "idempotency_key_mismatch", "a request with this Idempotency-Key is in progress"
        ) from e
    except BaseException:
        services.store.delete(job.object_key)
        raise


def wake(services: Services, job: Job) -> None:
    try:
        send_job(services.celery, job.type, ANALYSIS_TYPES[job.type].queue, str(job.id))
    except Exception:
        log.warning("broker unavailable; job %s waits for the scheduler", job.id, exc_info=True)
        return
    with services.db.session() as session:
        session.execute(update(Job).where(Job.id == job.id).values(enqueued_at=utcnow()))


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
    query = select(Job).where(Job.tenant_id == tenant_id)
    for column, value in filters.items():
        if value is not None:
            query = query.where(getattr(Job, column) == value)
    if cursor:
        created_at, last_id = _decode_cursor(cursor)
        query = query.where(
            or_(Job.created_at < created_at, and_(Job.created_at == created_at, Job.id < last_id))
        )
    jobs = list(
        session.scalars(query.order_by(Job.created_at.desc(), Job.id.desc()).limit(limit + 1))
    )
    if len(jobs) <= limit:
        return jobs, None
    last = jobs[limit - 1]
    return jobs[:limit], _encode_cursor(last.created_at, last.id)


def _encode_cursor(created_at: datetime, job_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{created_at.isoformat()}|{job_id}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        created_at, job_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(created_at), uuid.UUID(job_id)
    except ValueError as e:
        raise InvalidRequestError("the cursor is not one this API gave") from e


def cancel(job: Job) -> None:
    """A queued or running job ends as cancelled; a running worker's result is then dropped."""
    if job.status in TERMINAL_STATUSES:
        raise ConflictError("job_finished", f"the job already ended ({job.status})")
    job.status, job.finished_at = "cancelled", utcnow()
    job.claimed_by, job.lease_until = None, None


def prepare_retry(job: Job) -> None:
    """A failed or cancelled job runs again under the same id (a new run, fresh attempts)."""
    if job.status not in ("failed", "cancelled"):
        raise ConflictError(
            "job_not_retryable", f"only failed or cancelled jobs retry ({job.status})"
        )
    job.status, job.run, job.attempts = "queued", job.run + 1, 0
    job.error_code = job.error_message = None
    job.started_at = job.finished_at = job.enqueued_at = None


def require_result(job: Job) -> None:
    if job.status in ("queued", "running"):
        raise JobNotFinishedError(f"the job is {job.status}; its result is not ready")
    if job.status != "succeeded" or job.result is None:
        raise ConflictError("job_failed", f"the job {job.status} and has no result")


def job_out(job: Job) -> JobOut:
    links = JobLinks(self=f"/v1/jobs/{job.id}", result=f"/v1/jobs/{job.id}/result")
    error = (
        JobError(code=job.error_code, message=job.error_message or "") if job.error_code else None
    )
    return JobOut(
        id=job.id,
        type=job.type,
        status=job.status,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        batch_id=job.batch_id,
        input=InputInfo.model_validate(job.input),
        pages=job.pages,
        models=job.models,
        error=error,
        attempts=job.attempts,
        links=links,
    )
