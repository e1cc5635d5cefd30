"""`/v1/jobs`: submit, watch, list, cancel, retry, delete and download results."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, Header, Query, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse

from gateway import jobs
from gateway.auth import TenantDep
from gateway.services import Services, ServicesDep, SessionDep
from shared.analysis import TERMINAL_STATUSES
from shared.errors import ImageTooLargeError, InvalidRequestError
from shared.schemas.api import ErrorResponse, JobList, JobOut, JobStatus

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])
WaitQuery = Annotated[float, Query(ge=0, le=30, description="seconds to wait for the end")]
ERRORS: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorResponse} for status in (400, 401, 404, 409, 413, 415, 422, 501, 503)
}


@router.post("", status_code=202, response_model=JobOut, responses=ERRORS)
async def submit_job(
    services: ServicesDep,
    tenant_id: TenantDep,
    type: Annotated[str, Form(description="analysis type, e.g. general")],
    file: Annotated[UploadFile | None, File(description="the image or PDF")] = None,
    image_url: Annotated[str | None, Form(description="fetch the input from here")] = None,
    options: Annotated[str | None, Form(description="JSON object of options")] = None,
    webhook_url: Annotated[str | None, Form()] = None,
    idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
    wait: WaitQuery = 0,
) -> Response:
    """Accept one document for analysis; answers 202, or 200 if it finished within `wait`."""
    jobs.analysis_type(type)
    parsed_options = jobs.options_from_form(type, options)
    upload = await _read_input(services, file, image_url)
    submission = jobs.Submission(type, upload, parsed_options, webhook_url, idempotency_key)
    job, _created = await run_in_threadpool(jobs.submit, services, tenant_id, submission)
    return await _answer(services, tenant_id, job.id, wait)


async def _read_input(
    services: Services, file: UploadFile | None, image_url: str | None
) -> jobs.Upload:
    if (file is None) == (image_url is None):
        raise InvalidRequestError("send exactly one of 'file' and 'image_url'")
    if image_url is not None:
        fetched = await services.fetcher.fetch(image_url)
        return jobs.Upload(fetched.filename, fetched.data)
    assert file is not None
    limit = services.settings.limits.max_file_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise ImageTooLargeError(f"the file is larger than {limit} bytes", details={"limit": limit})
    return jobs.Upload(file.filename or "upload", data)


@router.get("/{job_id}", response_model=JobOut, responses=ERRORS)
async def get_job(
    services: ServicesDep, tenant_id: TenantDep, job_id: uuid.UUID, wait: WaitQuery = 0
) -> Response:
    """The job; with `wait`, answers as soon as it ends (200) or when the wait is over."""
    return await _answer(services, tenant_id, job_id, wait, accepted_status=200)


async def _answer(
    services: Services,
    tenant_id: uuid.UUID,
    job_id: uuid.UUID,
    wait: float,
    accepted_status: int = 202,
) -> Response:
    deadline = time.monotonic() + wait
    delay = 0.02  # short jobs are answered promptly; longer waits poll less often
    while True:
        out = await run_in_threadpool(_job_out, services, tenant_id, job_id)
        if out.status in TERMINAL_STATUSES:
            return JSONResponse(out.model_dump(mode="json"), status_code=200)
        if time.monotonic() >= deadline:
            return JSONResponse(out.model_dump(mode="json"), status_code=accepted_status)
        await asyncio.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 1.5, 0.25)


def _job_out(services: Services, tenant_id: uuid.UUID, job_id: uuid.UUID) -> JobOut:
    with services.db.session() as session:
        return jobs.job_out(jobs.get_job(session, tenant_id, job_id))


@router.get("", response_model=JobList, responses=ERRORS)
def list_jobs(
    session: SessionDep,
    tenant_id: TenantDep,
    status: JobStatus | None = None,
    type: str | None = None,
    batch_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> JobList:
    filters = {"status": status, "type": type, "batch_id": batch_id}
    found, next_cursor = jobs.list_jobs(session, tenant_id, filters, limit, cursor)
    return JobList(items=[jobs.job_out(job) for job in found], next_cursor=next_cursor)


@router.post("/{job_id}/cancel", response_model=JobOut, responses=ERRORS)
def cancel_job(services: ServicesDep, tenant_id: TenantDep, job_id: uuid.UUID) -> JobOut:
    with services.db.session() as session:
        job = jobs.get_job(session, tenant_id, job_id)
        jobs.cancel(job)
    return jobs.job_out(job)


@router.post("/{job_id}/retry", status_code=202, response_model=JobOut, responses=ERRORS)
def retry_job(services: ServicesDep, tenant_id: TenantDep, job_id: uuid.UUID) -> JobOut:
    with services.db.session() as session:
        job = jobs.get_job(session, tenant_id, job_id)
        jobs.prepare_retry(job)
    jobs.wake(services, job)
    return jobs.job_out(job)


@router.delete("/{job_id}", status_code=204, responses=ERRORS)
def delete_job(services: ServicesDep, tenant_id: TenantDep, job_id: uuid.UUID) -> Response:
    """Remove the job, its results and its original."""
    with services.db.session() as session:
        job = jobs.get_job(session, tenant_id, job_id)
        session.delete(job)
    if job.object_key is not None:
        services.store.delete(job.object_key)
    return Response(status_code=204)


@router.get("/{job_id}/result", responses=ERRORS)
def get_result(session: SessionDep, tenant_id: TenantDep, job_id: uuid.UUID) -> JSONResponse:
    """The result document (its shape depends on the job type; see API.md)."""
    job = jobs.get_job(session, tenant_id, job_id)
    jobs.require_result(job)
    assert job.result is not None
    return JSONResponse(job.result.payload)


@router.get("/{job_id}/result.txt", response_class=PlainTextResponse, responses=ERRORS)
def get_result_text(session: SessionDep, tenant_id: TenantDep, job_id: uuid.UUID) -> str:
    """The recognised text; pages are separated by a form feed."""
    job = jobs.get_job(session, tenant_id, job_id)
    jobs.require_result(job)
    assert job.result is not None
    return job.result.text
