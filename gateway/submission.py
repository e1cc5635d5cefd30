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
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.capabilities import require_runnable
from gateway.services import Services
from shared.analyses import Analysis, Pages
from shared.db.models import Job, utcnow
from shared.errors import ConflictError
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
class _Original:
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


def check_runnable(services: Services, analysis: Analysis[Any]) -> None:
    """`501 model_unavailable` unless this deployment can run the type (see capabilities)."""
    with services.db.session() as session:
        require_runnable(session, analysis, services.settings.worker.heartbeat_seconds)


def submit(services: Services, tenant_id: uuid.UUID, sub: Submission) -> Job:
    """Record and enqueue a job; with an idempotency key already used, the first job."""
    originals = _inspect(services, sub)
    request_sha256 = _request_sha256(sub, originals)
    if sub.idempotency_key:
        with services.db.session() as session:
            earlier = _replay(session, tenant_id, sub.idempotency_key, request_sha256)
        if earlier is not None:
            return earlier
    job_id = uuid.uuid4()
    single = len(originals) == 1
    job = Job(
        id=job_id,
        tenant_id=tenant_id,
        type=sub.analysis.name,
        input=originals[0].describe() if single else {o.name: o.describe() for o in originals},
        pages=originals[0].info.pages,
        options=sub.options,
        webhook_url=sub.webhook_url,
        idempotency_key=sub.idempotency_key,
        request_sha256=request_sha256,
        originals={o.field: f"originals/{tenant_id}/{job_id}/{o.field}" for o in originals},
    )
    stored = _store_and_insert(services, job, originals)
    if stored is not job:
        return stored
    wake(services, job)
    return job


def _inspect(services: Services, sub: Submission) -> list[_Original]:
    limits = services.settings.limits
    max_pages = limits.max_pages if sub.analysis.pages == Pages.ALL else None
    return [
        _Original(
            field=spec.field,
            name=spec.name,
            upload=sub.uploads[spec.field],
            info=inspect_document(sub.uploads[spec.field].data, limits, max_pages=max_pages),
            sha256=hashlib.sha256(sub.uploads[spec.field].data).hexdigest(),
        )
        for spec in sub.analysis.inputs
    ]


def _request_sha256(sub: Submission, originals: list[_Original]) -> str:
    """What makes two requests the same: type, every original, options and webhook."""
    digests = [original.sha256 for original in originals]
    canonical = json.dumps(
        [sub.analysis.name, digests, sub.options, sub.webhook_url],
        sort_keys=True,
        ensure_ascii=False,
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


def _store_and_insert(services: Services, job: Job, originals: list[_Original]) -> Job:
    """Store the originals and insert the job; the job that won when the same idempotency key
    was sent at once by another request (its objects then removed again)."""
    for original in originals:
        key = job.originals[original.field]
        services.store.put(key, original.upload.data, original.info.content_type)
    try:
        with services.db.session() as session:
            session.add(job)
    except IntegrityError as e:
        _remove(services, job)
        first = _winner(services, job) if job.idempotency_key else None
        if first is None:
            raise ConflictError(
                "idempotency_key_mismatch", "a request with this Idempotency-Key is in progress"
            ) from e
        return first
    except BaseException:
        _remove(services, job)
        raise
    return job


def _winner(services: Services, job: Job) -> Job | None:
    """The job another request inserted under this job's idempotency key, if it is the same
    request (`409 idempotency_key_mismatch` if not)."""
    assert job.idempotency_key is not None and job.request_sha256 is not None
    with services.db.session() as session:
        return _replay(session, job.tenant_id, job.idempotency_key, job.request_sha256)


def _remove(services: Services, job: Job) -> None:
    for key in job.originals.values():
        services.store.delete(key)


def wake(services: Services, job: Job) -> None:
    """Send the job's wake-up; if the broker is down, the scheduler sends it later."""
    services.lifecycle.wake(services.celery, job.type, job.id)
