"""The plate compatibility endpoint, for clients of the seed plate-recognition system.

`POST /ocr/license-plate` (multipart `image_file`, `dryRun`) answers synchronously in the
seed's shape, `{"success", "plate_number", "confidence", "stage", "elapsed_sec"}`, backed by
an ordinary `vehicle_plate` job (its id comes along as `job_id`). The key goes in
`Authorization: Bearer` or `X-API-Key`. Refusals keep the shape: `success: false` and an
`error` object with Boda's code, at the status of the API's error table. A job still running
when `BODA_PLATES__SYNC_TIMEOUT_SECONDS` is up answers `503 service_unavailable` with
`Retry-After` and the job's id (its result stays at `/v1/jobs/{id}/result`).
`GET /status` (no key) says whether a worker that reads plates has reported in.
"""

from __future__ import annotations

import functools
import time
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from gateway import queries, submission
from gateway.auth import BearerDep, KeyHeaderDep, tenant_of_key
from gateway.capabilities import readers_of
from gateway.errors import STATUS_BY_CODE
from gateway.job_watch import wait_for_end
from gateway.services import Services, ServicesDep
from shared.analyses.vehicle_plate import VEHICLE_PLATE, PlateResult
from shared.errors import BodaError, InvalidRequestError, ServiceUnavailableError
from shared.schemas.api import JobOut
from shared.statuses import JobStatus

router = APIRouter(tags=["plate compatibility"])
RETRY_AFTER_SECONDS = 2


class PlateAnswer(BaseModel):
    success: bool
    plate_number: str | None
    confidence: float
    stage: str | None
    elapsed_sec: float
    job_id: str | None = None
    error: dict[str, Any] | None = None


class StatusAnswer(BaseModel):
    status: str
    """`ready` once a worker that reads plates has reported in, else `starting`."""
    workers: int


@router.post("/ocr/license-plate", response_model=PlateAnswer)
async def read_license_plate(
    services: ServicesDep,
    credentials: BearerDep,
    api_key: KeyHeaderDep,
    image_file: Annotated[UploadFile | None, File(description="the car photo")] = None,
    dryRun: Annotated[bool, Form(description="validate the upload only")] = False,  # noqa: N803
) -> JSONResponse:
    """Read the plate of one car photo and answer when it is read."""
    started = time.monotonic()
    job_id: uuid.UUID | None = None
    try:
        key = credentials.credentials if credentials else api_key or ""
        tenant_id = await run_in_threadpool(tenant_of_key, services, key)
        if image_file is None:
            raise InvalidRequestError("send the photo as the multipart field 'image_file'")
        upload = await submission.read_upload(services, image_file)
        await run_in_threadpool(submission.check_runnable, services, tenant_id, VEHICLE_PLATE, {})
        if dryRun:
            await run_in_threadpool(
                submission.inspect_upload, services, VEHICLE_PLATE, "file", upload
            )
            return _answer(PlateAnswer(success=True, plate_number=None, confidence=0.0,
                                       stage="dry_run", elapsed_sec=_since(started)))  # fmt: skip
        sub = submission.Submission(VEHICLE_PLATE, {"file": upload}, {}, None, None)
        job = await run_in_threadpool(submission.submit, services, tenant_id, sub)
        job_id = job.id
        return _answer(await _plate_of(services, tenant_id, job.id, started))
    except BodaError as e:
        return _refusal(e, started, job_id)


async def _plate_of(
    services: Services, tenant_id: uuid.UUID, job_id: uuid.UUID, started: float
) -> PlateAnswer:
    """The job's best plate once it has ended: the first, if it is a valid reading."""
    look = functools.partial(_job_out, services, tenant_id, job_id)
    wait = services.settings.plates.sync_timeout_seconds - (time.monotonic() - started)
    out = await wait_for_end(services.watch, look, job_id, max(wait, 0.0))
    if out.status == JobStatus.FAILED and out.error is not None:
        raise _JobFailedError(out.error.code, out.error.message)
    if out.status != JobStatus.SUCCEEDED:
        raise ServiceUnavailableError(
            f"the plate is still being read: ask GET /v1/jobs/{job_id}?wait=30",
            details={"job_id": str(job_id), "status": out.status},
        )
    result = await run_in_threadpool(_result, services, tenant_id, job_id)
    best = result.plates[0] if result.plates and result.plates[0].valid else None
    return PlateAnswer(
        success=best is not None,
        plate_number=best.number if best else None,
        confidence=best.confidence if best else 0.0,
        stage=best.stage if best else None,
        elapsed_sec=_since(started),
        job_id=str(job_id),
    )


class _JobFailedError(BodaError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _job_out(services: Services, tenant_id: uuid.UUID, job_id: uuid.UUID) -> JobOut:
    with services.db.session() as session:
        return JobOut.of(queries.get_job(session, tenant_id, job_id))


def _result(services: Services, tenant_id: uuid.UUID, job_id: uuid.UUID) -> PlateResult:
    with services.db.session() as session:
        job = queries.get_job(session, tenant_id, job_id)
        queries.require_result(job)
        assert job.result is not None
        return PlateResult.model_validate(job.result.payload)


def _since(started: float) -> float:
    return round(time.monotonic() - started, 3)


def _body(answer: PlateAnswer) -> dict[str, Any]:
    """The seed's five keys always; `job_id` and `error` only when there is one."""
    body = answer.model_dump(mode="json")
    return {key: value for key, value in body.items() if value is not None or key in _SEED_KEYS}


_SEED_KEYS = ("success", "plate_number", "confidence", "stage", "elapsed_sec")


def _answer(answer: PlateAnswer) -> JSONResponse:
    return JSONResponse(_body(answer))


def _refusal(error: BodaError, started: float, job_id: uuid.UUID | None) -> JSONResponse:
    """A refusal in the seed's shape, at the status Boda's error table gives its code (a job
    that failed with `worker_lost`, `timeout` or `internal_error`: 503)."""
    status = STATUS_BY_CODE.get(error.code, 503)
    answer = PlateAnswer(
        success=False,
        plate_number=None,
        confidence=0.0,
        stage=None,
        elapsed_sec=_since(started),
        job_id=str(job_id) if job_id else None,
        error={"code": error.code, "message": error.message, "details": error.details},
    )
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status in (429, 503) else None
    return JSONResponse(_body(answer), status_code=status, headers=headers)


@router.get("/status", response_model=StatusAnswer)
def plate_status(services: ServicesDep) -> StatusAnswer:
    """`ready` when a live worker that reads plates has reported in (from the heartbeats)."""
    with services.db.session() as session:
        workers = readers_of(session, VEHICLE_PLATE, services.settings.worker.heartbeat_seconds)
    return StatusAnswer(status="ready" if workers else "starting", workers=workers)
