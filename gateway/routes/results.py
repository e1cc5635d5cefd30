"""`/v1/jobs/{id}/result…`: a finished job's result as JSON, text or a spreadsheet."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from gateway import queries
from gateway.auth import TenantDep
from gateway.downloads import DOWNLOAD, XLSX, Finished, attachment, workbook
from gateway.errors import ERRORS, JSON_ERRORS
from gateway.services import SessionDep
from shared.analyses import ANALYSES

router = APIRouter(prefix="/v1/jobs", tags=["results"])

RESULT_SCHEMAS: dict[int | str, dict[str, object]] = {
    200: {
        "description": "the result; its shape is the job type's (one schema per type)",
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"$ref": f"#/components/schemas/{analysis.result.__name__}"}
                        for analysis in ANALYSES.values()
                    ]
                }
            }
        },
    }
}
TEXT: dict[int | str, dict[str, object]] = {
    200: {"description": "the text", "content": {"text/plain": {"schema": {"type": "string"}}}}
}


@router.get("/{job_id}/result", responses={**ERRORS, **RESULT_SCHEMAS})
def get_result(session: SessionDep, tenant_id: TenantDep, job_id: uuid.UUID) -> JSONResponse:
    """The result document of a succeeded job."""
    job = queries.get_job(session, tenant_id, job_id)
    queries.require_result(job)
    assert job.result is not None
    return JSONResponse(job.result.payload)


@router.get(
    "/{job_id}/result.txt", response_class=PlainTextResponse, responses={**JSON_ERRORS, **TEXT}
)
def get_result_text(session: SessionDep, tenant_id: TenantDep, job_id: uuid.UUID) -> str:
    """The recognised text (pages separated by a form feed); errors come as JSON."""
    job = queries.get_job(session, tenant_id, job_id)
    queries.require_result(job)
    assert job.result is not None
    return job.result.text


@router.get("/{job_id}/result.xlsx", responses={**JSON_ERRORS, **DOWNLOAD})
def get_result_xlsx(session: SessionDep, tenant_id: TenantDep, job_id: uuid.UUID) -> Response:
    """The result as a spreadsheet: the type's rows (a row per field for documents, per plate
    for plates)."""
    job = queries.get_job(session, tenant_id, job_id)
    queries.require_result(job)
    assert job.result is not None
    data = workbook([Finished(job, job.result.payload)], detail=True)
    return attachment(data, XLSX, f"job-{job_id}.xlsx")
