"""Batches as the gateway handles them: accept many documents at once, show, retry, delete.

A batch is accepted whole or not at all: its files are validated one by one (a file that would
be refused alone becomes an entry of `rejected`), the accepted ones stored, then the batch and
a job per document inserted in one transaction, then each job woken in its family's batch
lane.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from gateway.archives import Refused
from gateway.services import Services
from gateway.submission import (
    Original,
    Upload,
    insert_once,
    inspect_upload,
    new_job,
    remove_originals,
    replay,
    store_originals,
    wake,
)
from shared import events
from shared.analyses import Analysis
from shared.analyses.contract import options_object
from shared.db.models import Batch, Job
from shared.errors import (
    BodaError,
    ConflictError,
    InvalidOptionsError,
    InvalidTypeError,
    NotFoundError,
)
from shared.statuses import JobStatus


def batch_analysis(analysis: Analysis[Any]) -> Analysis[Any]:
    """A type can be a batch's when it takes one file; `face_compare` takes two."""
    if len(analysis.inputs) != 1:
        raise InvalidTypeError(
            f"{analysis.name!r} compares two files and cannot run as a batch",
            details={"type": analysis.name},
        )
    return analysis


def batch_options(analysis: Analysis[Any], text: str | None) -> dict[str, Any]:
    """The type's options, and the batch's own `job_events` (its webhook also gets every job's
    events)."""
    raw = options_object(text)
    job_events = raw.pop("job_events", False)
    if not isinstance(job_events, bool):
        raise InvalidOptionsError("job_events must be true or false")
    return analysis.parse_options(raw) | {"job_events": job_events}


@dataclass(frozen=True)
class BatchRequest:
    analysis: Analysis[Any]
    files: list[Upload]
    refused: list[Refused]
    """Files the archive already refused one by one."""
    options: dict[str, Any]
    webhook_url: str | None
    idempotency_key: str | None

    def sha256(self) -> str:
        """What makes two batch requests the same: type, files, options and webhook."""
        files = [[f.filename, hashlib.sha256(f.data).hexdigest()] for f in self.files]
        refused = [entry.filename for entry in self.refused]
        canonical = json.dumps(
            [self.analysis.name, files, refused, self.options, self.webhook_url], sort_keys=True
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


def submit_batch(services: Services, tenant_id: uuid.UUID, request: BatchRequest) -> Batch:
    """Validate each file, then record the batch and its jobs, then wake the jobs; with an
    idempotency key already used, the first batch."""
    request_sha256 = request.sha256()
    if request.idempotency_key:
        with services.db.session() as session:
            earlier = replay(session, Batch, tenant_id, request.idempotency_key, request_sha256)
        if earlier is not None:
            return earlier
    accepted, refused = _validated(services, request)
    job_options = {key: value for key, value in request.options.items() if key != "job_events"}
    batch = Batch(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        type=request.analysis.name,
        options=request.options,
        webhook_url=request.webhook_url,
        rejected=[_rejected(entry) for entry in refused],
        idempotency_key=request.idempotency_key,
        request_sha256=request_sha256,
        total=len(accepted),
    )
    jobs = [new_job(tenant_id, request.analysis, [one], job_options, batch.id) for one in accepted]
    for index, job in enumerate(jobs):
        job.batch_index = index
    for job, original in zip(jobs, accepted, strict=True):
        store_originals(services, job, [original])
    inserted = insert_once(services, batch, lambda: _insert(services, batch, jobs), jobs)
    if inserted is not batch:
        return inserted
    for job in jobs:
        wake(services, job)
    return batch


def _validated(services: Services, request: BatchRequest) -> tuple[list[Original], list[Refused]]:
    """The files that pass a single job's validation, and every file refused."""
    accepted: list[Original] = []
    refused = list(request.refused)
    for file in request.files:
        try:
            accepted.append(inspect_upload(services, request.analysis, "file", file))
        except BodaError as e:
            refused.append(Refused(file.filename, e))
    return accepted, refused


def _insert(services: Services, batch: Batch, jobs: list[Job]) -> None:
    """The batch and its jobs in one transaction (an empty batch ends at once)."""
    with services.db.session() as session:
        session.add(batch)
        session.flush()
        session.add_all(jobs)
        session.flush()
        events.batch_progressed(session, batch.id, services.lifecycle.give_up)


def _rejected(entry: Refused) -> dict[str, Any]:
    return {
        "filename": entry.filename,
        "error": {"code": entry.error.code, "message": entry.error.message},
    }


def get_batch(services: Services, tenant_id: uuid.UUID, batch_id: uuid.UUID) -> Batch:
    """The tenant's batch; another tenant's batch is as absent as a missing one."""
    with services.db.session() as session:
        batch = session.get(Batch, batch_id)
    if batch is None or batch.tenant_id != tenant_id:
        raise NotFoundError(f"batch {batch_id} not found")
    return batch


def retry_batch(services: Services, tenant_id: uuid.UUID, batch_id: uuid.UUID) -> int:
    """Run the batch's failed jobs again (those whose originals remain); how many."""
    batch = get_batch(services, tenant_id, batch_id)
    with services.db.session() as session:
        failed = session.scalars(
            select(Job.id).where(
                Job.batch_id == batch_id,
                Job.status == JobStatus.FAILED,
                Job.originals_deleted_at.is_(None),
            )
        ).all()
    if not failed:
        raise ConflictError("batch_not_retryable", "the batch has no failed job to run again")
    for job_id in failed:
        services.lifecycle.retry(tenant_id, job_id)
        services.lifecycle.wake(services.celery, batch.type, job_id, batch=True)
    return len(failed)


def delete_batch(services: Services, tenant_id: uuid.UUID, batch_id: uuid.UUID) -> None:
    """Remove the batch, its jobs, their results and originals."""
    batch = get_batch(services, tenant_id, batch_id)
    with services.db.session() as session:
        jobs = list(session.scalars(select(Job).where(Job.batch_id == batch.id)))
        session.delete(session.get_one(Batch, batch.id))
    remove_originals(services, jobs)
