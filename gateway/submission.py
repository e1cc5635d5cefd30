"""Accepting a job: check the type can run, validate every upload, store the originals, insert
the row, wake a worker.

Ordered so that nothing is left behind on a refusal: validate the bytes, store the originals,
insert the row (removing the objects if that fails), then wake a worker. If the broker is down
the job stays queued and the scheduler sends its wake-up later.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from fastapi import UploadFile
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.capabilities import require_runnable
from gateway.face_groups import check_face_job
from gateway.services import Services
from shared.analyses import Analysis, Pages
from shared.db.models import Batch, Job, utcnow
from shared.errors import ConflictError, ImageTooLargeError
from shared.images import DocumentInfo, inspect_document
from shared.schemas.api import InputInfo

IDEMPOTENCY_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class Submission:
    analysis: Analysis[Any]
    uploads: dict[str, Upload]
    """By form field, one per input of the type's contract."""
    options: dict[str, Any]
    webhook_url: str | None
    idempotency_key: str | None


@dataclass(frozen=True)
class Original:
    """An upload that passed validation, with what the job records of it."""

    field: str
    name: str
    upload: Upload
    info: DocumentInfo
    sha256: str

    def describe(self) -> dict[str, Any]:
        return InputInfo(
            filename=self.upload.filename,
            content_type=self.info.content_type,
            bytes=len(self.upload.data),
            sha256=self.sha256,
            width=self.info.width,
            height=self.info.height,
        ).model_dump()


async def read_upload(services: Services, file: UploadFile) -> Upload:
    """A multipart file read whole, `413 image_too_large` past the per-file limit."""
    limit = services.settings.limits.max_file_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise ImageTooLargeError(f"the file is larger than {limit} bytes", details={"limit": limit})
    return Upload(file.filename or "upload", data)


def check_runnable(
    services: Services, tenant_id: uuid.UUID, analysis: Analysis[Any], options: dict[str, Any]
) -> None:
    """`501 model_unavailable` unless this deployment can run the type (see capabilities) with
    these options; a face job's group and face checked as well (see face_groups)."""
    with services.db.session() as session:
        require_runnable(session, analysis, services.settings.worker.heartbeat_seconds)
    if analysis.queue == "face":
        check_face_job(services, tenant_id, analysis, options)


def submit(services: Services, tenant_id: uuid.UUID, sub: Submission) -> Job:
    """Record and enqueue a job; with an idempotency key already used, the first job."""
    originals = _inspect(services, sub)
    request_sha256 = _request_sha256(sub, originals)
    if sub.idempotency_key:
        with services.db.session() as session:
            earlier = replay(session, Job, tenant_id, sub.idempotency_key, request_sha256)
        if earlier is not None:
            return earlier
    job = new_job(tenant_id, sub.analysis, originals, sub.options)
    job.webhook_url, job.idempotency_key = sub.webhook_url, sub.idempotency_key
    job.request_sha256 = request_sha256
    stored = _store_and_insert(services, job, originals)
    if stored is not job:
        return stored
    wake(services, job)
    return job


def new_job(
    tenant_id: uuid.UUID,
    analysis: Analysis[Any],
    originals: list[Original],
    options: dict[str, Any],
    batch_id: uuid.UUID | None = None,
) -> Job:
    """A queued job of `analysis` on validated originals, their object keys of its own."""
    job_id = uuid.uuid4()
    single = len(originals) == 1
    return Job(
        id=job_id,
        tenant_id=tenant_id,
        type=analysis.name,
        batch_id=batch_id,
        input=originals[0].describe() if single else {o.name: o.describe() for o in originals},
        pages=originals[0].info.pages,
        options=options,
        originals={o.field: f"originals/{tenant_id}/{job_id}/{o.field}" for o in originals},
    )


def inspect_upload(
    services: Services, analysis: Analysis[Any], field: str, upload: Upload
) -> Original:
    """One upload validated as an input `field` of `analysis` (the pages the type reads)."""
    limits = services.settings.limits
    max_pages = limits.max_pages if analysis.pages == Pages.ALL else None
    spec = next(spec for spec in analysis.inputs if spec.field == field)
    return Original(
        field=field,
        name=spec.name,
        upload=upload,
        info=inspect_document(upload.data, limits, max_pages=max_pages),
        sha256=hashlib.sha256(upload.data).hexdigest(),
    )


def store_originals(services: Services, job: Job, originals: list[Original]) -> None:
    for original in originals:
        key = job.originals[original.field]
        services.store.put(key, original.upload.data, original.info.content_type)


def remove_originals(services: Services, jobs: list[Job]) -> None:
    for job in jobs:
        for key in job.originals.values():
            services.store.delete(key)


def _inspect(services: Services, sub: Submission) -> list[Original]:
    return [
        inspect_upload(services, sub.analysis, spec.field, sub.uploads[spec.field])
        for spec in sub.analysis.inputs
    ]


def _request_sha256(sub: Submission, originals: list[Original]) -> str:
    """What makes two requests the same: type, every original, options and webhook."""
    digests = [original.sha256 for original in originals]
    canonical = json.dumps(
        [sub.analysis.name, digests, sub.options, sub.webhook_url],
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


Idempotent = TypeVar("Idempotent", Job, Batch)


def replay(
    session: Session, model: type[Idempotent], tenant_id: uuid.UUID, key: str, request_sha256: str
) -> Idempotent | None:
    """The job (or batch) an idempotency key already made within the window, if any;
    `409 idempotency_key_mismatch` if it was made by another request."""
    earlier = session.scalar(
        select(model).where(model.tenant_id == tenant_id, model.idempotency_key == key)
    )
    if earlier is None:
        return None
    if earlier.created_at < utcnow() - IDEMPOTENCY_WINDOW:
        earlier.idempotency_key = None  # expired: the key may name a new request
        return None
    if earlier.request_sha256 != request_sha256:
        raise ConflictError(
            "idempotency_key_mismatch", "this Idempotency-Key was used for another request"
        )
    return earlier


def _store_and_insert(services: Services, job: Job, originals: list[Original]) -> Job:
    """Store the originals and insert the job (or find the one that won its idempotency key)."""
    store_originals(services, job, originals)

    def insert() -> None:
        with services.db.session() as session:
            session.add(job)

    return insert_once(services, job, insert, [job])


def insert_once(
    services: Services, row: Idempotent, insert: Callable[[], None], jobs: list[Job]
) -> Idempotent:
    """Run `insert` (of `row` and `jobs`, whose originals are stored); if any of it fails, the
    originals are removed again. When `row`'s idempotency key was taken at once by another
    request, the row that won is returned if it was the same request (else
    `409 idempotency_key_mismatch`)."""
    try:
        insert()
    except IntegrityError as e:
        remove_originals(services, jobs)
        first = None
        if row.idempotency_key and row.request_sha256:
            with services.db.session() as session:
                first = replay(
                    session, type(row), row.tenant_id, row.idempotency_key, row.request_sha256
                )
        if first is None:
            raise ConflictError(
                "idempotency_key_mismatch", "a request with this Idempotency-Key is in progress"
            ) from e
        return first
    except BaseException:
        remove_originals(services, jobs)
        raise
    return row


def wake(services: Services, job: Job) -> None:
    """Send the job's wake-up (a batch's jobs in their lane); if the broker is down, the
    scheduler sends it later."""
    services.lifecycle.wake(services.celery, job.type, job.id, batch=job.batch_id is not None)
