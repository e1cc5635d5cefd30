"""`/v1/jobs`: submit, watch, list, cancel, retry and delete jobs."""

from __future__ import annotations

import functools
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, Query, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from gateway import queries, submission
from gateway.auth import TenantDep
from gateway.errors import ERRORS
from gateway.job_watch import wait_for_end
from gateway.services import Services, ServicesDep, SessionDep
from shared.analyses import ANALYSES, get_analysis
from shared.errors import InvalidRequestError
from shared.schemas.api import JobList, JobOut
from shared.statuses import TERMINAL, JobStatus

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])
WaitQuery = Annotated[float, Query(ge=0, le=30, description="seconds to wait for the end")]
RETRY_AFTER_SECONDS = 1
ACCEPTED: dict[int | str, dict[str, Any]] = {
    202: {
        "description": "accepted, not finished yet: poll `Location` after `Retry-After` seconds",
        "model": JobOut,
        "headers": {
            "Location": {"description": "the job", "schema": {"type": "string"}},
            "Retry-After": {"description": "seconds", "schema": {"type": "integer"}},
        },
    }
}


@router.post("", status_code=202, response_model=JobOut, responses={**ERRORS, **ACCEPTED})
async def submit_job(
    services: ServicesDep,
    tenant_id: TenantDep,
    type: Annotated[
        str,
        Form(description="the analysis type", json_schema_extra={"enum": list(ANALYSES)}),
    ],
    file: Annotated[UploadFile | None, File(description="the image or PDF")] = None,
    image_url: Annotated[
        str | None, Form(description="fetch the input from here instead of sending `file`")
    ] = None,
    target: Annotated[
        UploadFile | None, File(description="face_compare: the image compared with `file`")
    ] = None,
    options: Annotated[str | None, Form(description="JSON object of options")] = None,
    webhook_url: Annotated[str | None, Form()] = None,
    idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
    wait: WaitQuery = 0,
) -> Response:
    """Accept a document for analysis: exactly one of `file` and `image_url` (`face_compare`
    also takes `target`). Answers 202, or 200 with the finished job if it ended within `wait`."""
    analysis = get_analysis(type)
    parsed_options = analysis.parse_options_json(options)
    await run_in_threadpool(
        submission.check_runnable, services, tenant_id, analysis, parsed_options
    )
    if webhook_url:
        await services.webhook_guard.check(webhook_url, services.settings.url_fetch.timeout_seconds)
    uploads = {"file": await _read_input(services, file, image_url)}
    if any(spec.field == "target" for spec in analysis.inputs):
        if target is None:
            raise InvalidRequestError(f"{analysis.name} compares 'file' with 'target': send both")
        uploads["target"] = await submission.read_upload(services, target)
    elif target is not None:
        raise InvalidRequestError(f"{analysis.name} takes no 'target'")
    sub = submission.Submission(
        analysis, uploads, parsed_options, webhook_url, idempotency_key or None
    )
    job = await run_in_threadpool(submission.submit, services, tenant_id, sub)
    return await _answer(services, tenant_id, job.id, wait)


async def _read_input(
    services: Services, file: UploadFile | None, image_url: str | None
) -> submission.Upload:
    if (file is None) == (image_url is None):
        raise InvalidRequestError("send exactly one of 'file' and 'image_url'")
    if image_url is not None:
        fetched = await services.fetcher.fetch(image_url)
        return submission.Upload(fetched.filename, fetched.data)
    assert file is not None
    return await submission.read_upload(services, file)


@router.get("/{job_id}", response_model=JobOut, responses=ERRORS)
async def get_job(
    services: ServicesDep, tenant_id: TenantDep, job_id: uuid.UUID, wait: WaitQuery = 0
) -> Response:
    """The job; with `wait`, answers as soon as it ends or when the wait is over."""
    return await _answer(services, tenant_id, job_id, wait, accepted_status=200)


async def _answer(
    services: Services,
    tenant_id: uuid.UUID,
    job_id: uuid.UUID,
    wait: float,
    accepted_status: int = 202,
) -> Response:
    """The job as it is, or as soon as it ends within `wait` seconds (see gateway/job_watch)."""
    look = functools.partial(_job_out, services, tenant_id, job_id)
    out = await wait_for_end(services.watch, look, job_id, wait)
    if out.status in TERMINAL:
        return JSONResponse(out.model_dump(mode="json"), status_code=200)
    return _pending(out, accepted_status)


def _pending(out: JobOut, status: int) -> JSONResponse:
    """A job not finished yet; a 202 says where and when to look again."""
    headers = (
        {"Location": out.links.self, "Retry-After": str(RETRY_AFTER_SECONDS)}
        if status == 202
        else None
    )
    return JSONResponse(out.model_dump(mode="json"), status_code=status, headers=headers)


def _job_out(services: Services, tenant_id: uuid.UUID, job_id: uuid.UUID) -> JobOut:
    with services.db.session() as session:
        return JobOut.of(queries.get_job(session, tenant_id, job_id))


@router.get("", response_model=JobList, responses=ERRORS)
def list_jobs(
    session: SessionDep,
    tenant_id: TenantDep,
    status: JobStatus | None = None,
    type: Annotated[str | None, Query(json_schema_extra={"enum": list(ANALYSES)})] = None,
    batch_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> JobList:
    """The tenant's jobs, newest first, a page at a time (`next_cursor`)."""
    filters = {"status": status, "type": type, "batch_id": batch_id}
    found, next_cursor = queries.list_jobs(session, tenant_id, filters, limit, cursor)
    return JobList(items=[JobOut.of(job) for job in found], next_cursor=next_cursor)


@router.post("/{job_id}/cancel", response_model=JobOut, responses=ERRORS)
def cancel_job(services: ServicesDep, tenant_id: TenantDep, job_id: uuid.UUID) -> JobOut:
    """End a queued or running job as cancelled (a running one stops at its next step)."""
    services.lifecycle.cancel(tenant_id, job_id)
    return _job_out(services, tenant_id, job_id)


@router.post(
    "/{job_id}/retry", status_code=202, response_model=JobOut, responses={**ERRORS, **ACCEPTED}
)
def retry_job(services: ServicesDep, tenant_id: TenantDep, job_id: uuid.UUID) -> Response:
    """Run a failed or cancelled job again, under the same id."""
    services.lifecycle.retry(tenant_id, job_id)
    with services.db.session() as session:
        job = queries.get_job(session, tenant_id, job_id)
    submission.wake(services, job)
    return _pending(_job_out(services, tenant_id, job_id), 202)


@router.delete("/{job_id}", status_code=204, responses=ERRORS)
def delete_job(services: ServicesDep, tenant_id: TenantDep, job_id: uuid.UUID) -> Response:
    """Remove the job, its result and its originals."""
    services.lifecycle.delete(tenant_id, job_id)
    return Response(status_code=204)
