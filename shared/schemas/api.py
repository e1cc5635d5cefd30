"""Models of the HTTP API's bodies (the OpenAPI schema at /docs describes them)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from shared.analyses import ANALYSES
from shared.lifecycle import JobStatus


class ErrorBody(BaseModel):
    code: str
    message: str
    details: dict[str, Any] = {}


class ErrorResponse(BaseModel):
    error: ErrorBody


class InputInfo(BaseModel):
    filename: str
    content_type: str
    bytes: int
    sha256: str
    width: int
    height: int


class JobLinks(BaseModel):
    self: str
    result: str


class JobError(BaseModel):
    code: str
    message: str


class JobOut(BaseModel):
    id: uuid.UUID
    type: str = Field(json_schema_extra={"enum": list(ANALYSES)})
    status: JobStatus
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    batch_id: uuid.UUID | None
    input: InputInfo | dict[str, InputInfo] = Field(
        description="the uploaded file; face_compare: one per input, `source` and `target`"
    )
    pages: int | None
    models: dict[str, str] | None
    error: JobError | None
    attempts: int = Field(description="claims by a worker so far (crashed runs included)")
    original_deleted: bool = Field(
        False, description="the originals were deleted (personal data at the job's end)"
    )
    links: JobLinks


class JobList(BaseModel):
    items: list[JobOut]
    next_cursor: str | None


class HealthOut(BaseModel):
    status: Literal["ok", "unavailable"]
    checks: dict[str, str] = {}
    workers: dict[str, int] = {}
