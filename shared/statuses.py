"""The statuses a job and a batch move through (their transitions: see shared/lifecycle)."""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


TERMINAL = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class BatchStatus(StrEnum):
    RUNNING = "running"
    """Some job of the batch's current round has not ended."""
    COMPLETED = "completed"
    """Every job has ended (succeeded, failed or cancelled)."""
