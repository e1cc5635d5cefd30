"""`/v1/batches`: submit many documents of one type, watch them, retry, delete, download."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, Header, Query, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select

from gateway import batches, queries
from gateway.archives import batch_files
from gateway.auth import TenantDep
from gateway.downloads import (
    DOWNLOAD,
    XLSX,
    Finished,
    archive,
    attachment,
    json_lines,
    workbook,
)
from gateway.errors import ERRORS
from gateway.services import Services, ServicesDep, SessionDep
from gateway.submission import Upload, check_runnable
from shared.analyses import ANALYSES, get_analysis
from shared.db.models import Batch, Job
from shared.errors import ImageTooLargeError
from shared.events import batch_out
from shared.schemas.api import BatchList, BatchOut

router = APIRouter(prefix="/v1/batches", tags=["batches"])


@router.post("", status_code=202, response_model=BatchOut, responses=ERRORS)
async def submit_batch(
    services: ServicesDep,
    tenant_id: TenantDep,
    type: Annotated[
        str, Form(description="the analysis type", json_schema_extra={"enum": list(ANALYSES)})
    ],
    files: Annotated[
        list[UploadFile], File(description="the documents, or one zip archive of them")
    ],
    options: Annotated[
        str | None,
        Form(description="JSON object: the type's options, and `job_events` (bool)"),
    ] = None,
    webhook_url: Annotated[str | None, Form()] = None,
    idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
) -> BatchOut:
    """Accept many documents of one type: a job each; files refused one by one are listed in
    `rejected` while the others go on."""
    analysis = batches.batch_analysis(get_analysis(type))
    parsed = batches.batch_options(analysis, options)
    await run_in_threadpool(check_runnable, services, tenant_id, analysis, parsed)
    if webhook_url:
        await services.webhook_guard.check(webhook_url, services.settings.url_fetch.timeout_seconds)
    uploads = [await _read(services, upload) for upload in files]
    settings = services.settings
    unpacked = await run_in_threadpool(
        batch_files, uploads, settings.batches, settings.limits.max_file_bytes
    )
    request = batches.BatchRequest(
        analysis, *unpacked, parsed, webhook_url, idempotency_key or None
    )
    batch = await run_in_threadpool(batches.submit_batch, services, tenant_id, request)
    return await run_in_threadpool(_batch_out, services, batch.id)


async def _read(services: Services, upload: UploadFile) -> Upload:
    limit = services.settings.batches.max_request_bytes
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise ImageTooLargeError(f"the file is larger than {limit} bytes", details={"limit": limit})
    return Upload(upload.filename or "upload", data)


def _batch_out(services: Services, batch_id: uuid.UUID) -> BatchOut:
    with services.db.session() as session:
        return batch_out(session, session.get_one(Batch, batch_id))


@router.get("", response_model=BatchList, responses=ERRORS)
def list_batches(
    session: SessionDep,
    tenant_id: TenantDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> BatchList:
    """The tenant's batches, newest first, a page at a time (`next_cursor`)."""
    query = select(Batch).where(Batch.tenant_id == tenant_id)
    found, next_cursor = queries.page(session, query, Batch, limit, cursor)
    return BatchList(items=[batch_out(session, b) for b in found], next_cursor=next_cursor)


@router.get("/{batch_id}", response_model=BatchOut, responses=ERRORS)
def get_batch(services: ServicesDep, tenant_id: TenantDep, batch_id: uuid.UUID) -> BatchOut:
    """The batch: counts by status, progress, its jobs and the files refused."""
    batches.get_batch(services, tenant_id, batch_id)
    return _batch_out(services, batch_id)


@router.post("/{batch_id}/retry", status_code=202, response_model=BatchOut, responses=ERRORS)
def retry_batch(services: ServicesDep, tenant_id: TenantDep, batch_id: uuid.UUID) -> BatchOut:
    """Run the batch's failed jobs again: a new round, which ends with its own event."""
    batches.retry_batch(services, tenant_id, batch_id)
    return _batch_out(services, batch_id)


@router.delete("/{batch_id}", status_code=204, responses=ERRORS)
def delete_batch(services: ServicesDep, tenant_id: TenantDep, batch_id: uuid.UUID) -> Response:
    """Remove the batch, its jobs, their results and originals."""
    batches.delete_batch(services, tenant_id, batch_id)
    return Response(status_code=204)


def _finished(services: Services, tenant_id: uuid.UUID, batch_id: uuid.UUID) -> list[Finished]:
    batches.get_batch(services, tenant_id, batch_id)
    with services.db.session() as session:
        jobs = session.scalars(
            select(Job).where(Job.batch_id == batch_id).order_by(Job.batch_index)
        ).all()
        return [Finished(job, job.result.payload if job.result else None) for job in jobs]


@router.get("/{batch_id}/result.xlsx", responses={**ERRORS, **DOWNLOAD})
def batch_xlsx(services: ServicesDep, tenant_id: TenantDep, batch_id: uuid.UUID) -> Response:
    """A sheet per type (per subtype for documents), a row per document, a column per field
    with its confidence beside it; failures and rejections on a sheet of their own."""
    jobs = _finished(services, tenant_id, batch_id)
    rejected = batches.get_batch(services, tenant_id, batch_id).rejected
    return attachment(workbook(jobs, rejected), XLSX, f"batch-{batch_id}.xlsx")


@router.get("/{batch_id}/result.jsonl", responses={**ERRORS, **DOWNLOAD})
def batch_jsonl(services: ServicesDep, tenant_id: TenantDep, batch_id: uuid.UUID) -> Response:
    """A line per job: the job and its result (null unless it succeeded)."""
    data = json_lines(_finished(services, tenant_id, batch_id))
    return attachment(data, "application/x-ndjson", f"batch-{batch_id}.jsonl")


@router.get("/{batch_id}/result.zip", responses={**ERRORS, **DOWNLOAD})
def batch_zip(services: ServicesDep, tenant_id: TenantDep, batch_id: uuid.UUID) -> Response:
    """Each succeeded job's result as JSON and as text."""
    data = archive(_finished(services, tenant_id, batch_id))
    return attachment(data, "application/zip", f"batch-{batch_id}.zip")
