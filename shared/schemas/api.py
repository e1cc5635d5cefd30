"""Models of the HTTP API's bodies (the OpenAPI schema at /docs describes them)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from shared.analyses import ANALYSES
from shared.analyses.face_search import FaceSearchMatch
from shared.analyses.faces import Face
from shared.analyses.options import GroupId
from shared.db.models import FaceGroup, Job, RegisteredFace
from shared.statuses import BatchStatus, JobStatus


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

    @classmethod
    def of(cls, job: Job) -> JobOut:
        """The job as the API shows it."""
        links = JobLinks(self=f"/v1/jobs/{job.id}", result=f"/v1/jobs/{job.id}/result")
        error = (
            JobError(code=job.error_code, message=job.error_message or "")
            if job.error_code
            else None
        )
        return cls(
            id=job.id,
            type=job.type,
            status=JobStatus(job.status),
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            batch_id=job.batch_id,
            input=_input(job.input),
            pages=job.pages,
            models=job.models,
            error=error,
            attempts=job.attempts,
            original_deleted=job.originals_deleted_at is not None,
            links=links,
        )


def _input(described: dict[str, Any]) -> InputInfo | dict[str, InputInfo]:
    """One file's description, or one per input by name (`source`, `target`)."""
    if "sha256" in described:
        return InputInfo.model_validate(described)
    return {name: InputInfo.model_validate(info) for name, info in described.items()}


class JobList(BaseModel):
    items: list[JobOut]
    next_cursor: str | None


class HealthOut(BaseModel):
    status: Literal["ok", "unavailable"]
    checks: dict[str, str] = {}
    workers: dict[str, int] = {}


class RejectedFile(BaseModel):
    """A file of a batch refused on its own (the batch went on without it)."""

    filename: str
    error: JobError


class BatchCounts(BaseModel):
    total: int
    queued: int
    running: int
    succeeded: int
    failed: int
    cancelled: int
    rejected: int


class BatchLinks(BaseModel):
    self: str
    jobs: str
    results: dict[str, str]


class BatchOut(BaseModel):
    id: uuid.UUID
    type: str = Field(json_schema_extra={"enum": list(ANALYSES)})
    status: BatchStatus
    created_at: datetime
    completed_at: datetime | None
    round: int = Field(description="1, raised by each retry of the batch's failed jobs")
    counts: BatchCounts
    progress: float = Field(ge=0, le=1, description="share of the batch's jobs that have ended")
    job_ids: list[uuid.UUID]
    rejected: list[RejectedFile]
    links: BatchLinks


class BatchList(BaseModel):
    items: list[BatchOut]
    next_cursor: str | None


class AttemptOut(BaseModel):
    attempt: int
    attempted_at: datetime
    status_code: int | None = Field(description="the receiver's answer; null: no answer")
    error: str | None
    milliseconds: int


class DeliveryOut(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID = Field(description="the `Boda-Event-Id`, the same on every attempt")
    event: str
    job_id: uuid.UUID | None
    batch_id: uuid.UUID | None
    url: str
    status: Literal["pending", "delivered", "failed"]
    attempts: list[AttemptOut]
    next_attempt_at: datetime | None
    give_up_at: datetime
    created_at: datetime
    delivered_at: datetime | None


class DeliveryList(BaseModel):
    items: list[DeliveryOut]


class FaceGroupIn(BaseModel):
    group_id: GroupId


class FaceGroupOut(BaseModel):
    group_id: str
    face_count: int
    pack: str = Field(description="the face model pack the group's faces are embedded with")
    pack_version: str | None = Field(description="the pack's version, set by the first face")
    created_at: datetime

    @classmethod
    def of(cls, group: FaceGroup) -> FaceGroupOut:
        return cls(
            group_id=group.group_id,
            face_count=group.face_count,
            pack=group.pack,
            pack_version=group.pack_version,
            created_at=group.created_at,
        )


class FaceGroupList(BaseModel):
    items: list[FaceGroupOut]
    next_cursor: str | None


class RegisteredFaceOut(Face):
    """A face of a group: where it was in the registered image (the image is not kept)."""

    id: uuid.UUID
    external_image_id: str | None
    job_id: uuid.UUID | None = Field(description="the face_register job that added it")
    created_at: datetime

    @classmethod
    def of(cls, face: RegisteredFace) -> RegisteredFaceOut:
        return cls.model_validate(
            {
                **face.face,
                "id": face.id,
                "external_image_id": face.external_image_id,
                "job_id": face.job_id,
                "created_at": face.created_at,
            }
        )


class RegisteredFaceList(BaseModel):
    items: list[RegisteredFaceOut]
    next_cursor: str | None


class FaceIdSearchOut(BaseModel):
    """A group searched with one of its faces: the others ranked by similarity."""

    face_id: uuid.UUID
    threshold: float = Field(ge=0, le=100)
    matches: list[FaceSearchMatch]
