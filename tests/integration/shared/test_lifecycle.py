"""The job lifecycle on SQLite and on the real Postgres.

Executions may repeat; effects must not: one claim at a time, one result set, one terminal
event per run; a job whose worker died is taken back or failed with `worker_lost`; originals of
personal-data types go when their job ends, unless asked to stay.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shared.config import Settings
from shared.db.migrations import upgrade
from shared.db.models import Job, JobEvent, JobResult, Tenant
from shared.db.session import Database
from shared.errors import ConflictError, NotFoundError
from shared.lifecycle import JobLifecycle, Outcome
from shared.statuses import JobStatus
from shared.storage import LocalObjectStore
from tests.conftest import embedded_settings

RESULT = Outcome({"pages": []}, "text", {"text_detection": "m"})


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Settings, Database]]:
    overrides = (
        {"db": {"url": request.getfixturevalue("pg_url")}} if request.param == "postgres" else {}
    )
    settings = embedded_settings(
        tmp_path / "data",
        worker={"lease_seconds": 0.5, "heartbeat_seconds": 0.1, "max_attempts": 2},
        **overrides,
    )
    upgrade(settings.database_url)
    db = Database(settings.database_url)
    yield settings, db
    with db.session() as session:  # the Postgres database is shared by the run's tests
        session.execute(Job.__table__.delete())
        session.execute(Tenant.__table__.delete())
    db.engine.dispose()


@pytest.fixture
def lifecycle(backend: tuple[Settings, Database]) -> JobLifecycle:
    settings, db = backend
    assert settings.storage.path is not None
    return JobLifecycle(db, LocalObjectStore(settings.storage.path), settings.webhooks)


def new_job(lifecycle: JobLifecycle, job_type: str = "general", **options: object) -> Job:
    """A queued job of a tenant of its own, its original in the store."""
    with lifecycle.db.session() as session:
        tenant = Tenant(name=f"t-{uuid.uuid4().hex[:8]}", webhook_secret="s")
        session.add(tenant)
        session.flush()
        job_id = uuid.uuid4()
        key = f"originals/{tenant.id}/{job_id}/file"
        job = Job(
            id=job_id,
            tenant_id=tenant.id,
            type=job_type,
            input={},
            options=options,
            originals={"file": key},
        )
        session.add(job)
    lifecycle.store.put(key, b"original", "image/png")
    return job


def count(db: Database, model: type, job_id: uuid.UUID) -> int:
    with db.session() as session:
        query = select(func.count()).select_from(model).where(model.job_id == job_id)
        return session.scalar(query) or 0


def row(db: Database, job_id: uuid.UUID) -> Job:
    with db.session() as session:
        return session.get_one(Job, job_id)


def has_original(lifecycle: JobLifecycle, job: Job) -> bool:
    root = lifecycle.store.root  # type: ignore[attr-defined]
    return bool((root / job.originals["file"]).exists())


def test_a_job_is_claimed_once_and_ends_once(lifecycle: JobLifecycle) -> None:
    job = new_job(lifecycle)
    held = lifecycle.claim(job.id, "w1:1", 30)
    assert held is not None and held.attempt == 1 and held.run == 1
    assert lifecycle.claim(job.id, "w2:2", 30) is None
    assert lifecycle.succeed(held, RESULT)
    assert not lifecycle.succeed(held, RESULT)
    assert not lifecycle.fail(held, "internal_error", "late")
    ended = row(lifecycle.db, job.id)
    assert (ended.status, ended.models, ended.claimed_by) == ("succeeded", RESULT.models, None)
    assert count(lifecycle.db, JobResult, job.id) == 1
    assert count(lifecycle.db, JobEvent, job.id) == 1


def test_a_cancelled_job_drops_the_late_result(lifecycle: JobLifecycle) -> None:
    job = new_job(lifecycle)
    held = lifecycle.claim(job.id, "w1:1", 30)
    assert held is not None
    lifecycle.cancel(job.tenant_id, job.id)
    assert not lifecycle.renew(held, 30)
    assert not lifecycle.succeed(held, RESULT)
    assert count(lifecycle.db, JobResult, job.id) == 0
    assert count(lifecycle.db, JobEvent, job.id) == 0
    with pytest.raises(ConflictError) as again:
        lifecycle.cancel(job.tenant_id, job.id)
    assert again.value.code == "job_finished"
    with pytest.raises(NotFoundError):  # another tenant's job is as absent as a missing one
        lifecycle.cancel(uuid.uuid4(), job.id)


def test_release_gives_the_job_back_without_counting_the_attempt(
    lifecycle: JobLifecycle,
) -> None:
    job = new_job(lifecycle)
    held = lifecycle.claim(job.id, "w1:1", 30)
    assert held is not None
    assert lifecycle.release(held, resend=True)
    back = row(lifecycle.db, job.id)
    assert (back.status, back.attempts, back.claimed_by, back.enqueued_at) == (
        "queued",
        0,
        None,
        None,
    )
    assert lifecycle.claim(job.id, "w1:1", 30) is not None


def test_expired_leases_are_requeued_then_failed_as_worker_lost(
    lifecycle: JobLifecycle,
) -> None:
    job = new_job(lifecycle)
    first = lifecycle.claim(job.id, "w1:1", 0.5)
    assert first is not None
    assert lifecycle.recover_expired_leases(max_attempts=2) == 0  # the lease is still valid
    time.sleep(0.6)
    assert lifecycle.recover_expired_leases(max_attempts=2) == 1
    back = row(lifecycle.db, job.id)
    assert (back.status, back.attempts, back.claimed_by, back.enqueued_at) == (
        "queued",
        1,
        None,
        None,
    )
    assert not lifecycle.succeed(first, RESULT)  # the dead worker's claim is void

    second = lifecycle.claim(job.id, "w2:2", 0.5)
    assert second is not None and second.attempt == 2
    time.sleep(0.6)
    lifecycle.recover_expired_leases(max_attempts=2)
    lost = row(lifecycle.db, job.id)
    assert (lost.status, lost.error_code) == ("failed", "worker_lost")
    assert count(lifecycle.db, JobEvent, job.id) == 1
    assert count(lifecycle.db, JobResult, job.id) == 0


@pytest.mark.parametrize(
    ("job_type", "options", "kept"),
    [
        ("general", {}, True),
        ("credit_card", {}, False),
        ("face_detect", {}, False),
        ("id_card", {"keep_original": True}, True),
    ],
)
def test_originals_follow_the_personal_data_rule_when_a_job_succeeds(
    lifecycle: JobLifecycle, job_type: str, options: dict[str, object], kept: bool
) -> None:
    job = new_job(lifecycle, job_type, **options)
    held = lifecycle.claim(job.id, "w1:1", 30)
    assert held is not None and lifecycle.succeed(held, RESULT)
    assert has_original(lifecycle, job) is kept
    assert (row(lifecycle.db, job.id).originals_deleted_at is None) is kept


def test_a_failed_personal_job_keeps_its_original_for_a_retry(lifecycle: JobLifecycle) -> None:
    job = new_job(lifecycle, "id_card")
    held = lifecycle.claim(job.id, "w1:1", 30)
    assert held is not None and lifecycle.fail(held, "corrupt_image", "bad")
    assert has_original(lifecycle, job)
    lifecycle.retry(job.tenant_id, job.id)
    again = row(lifecycle.db, job.id)
    assert (again.status, again.run, again.attempts, again.error_code) == ("queued", 2, 0, None)


def test_a_retry_without_the_original_is_refused(lifecycle: JobLifecycle) -> None:
    job = new_job(lifecycle, "credit_card")
    lifecycle.cancel(job.tenant_id, job.id)  # cancelled: personal data goes
    assert not has_original(lifecycle, job)
    with pytest.raises(ConflictError) as refused:
        lifecycle.retry(job.tenant_id, job.id)
    assert refused.value.code == "original_deleted"
    assert row(lifecycle.db, job.id).status == JobStatus.CANCELLED


def test_only_failed_or_cancelled_jobs_retry(lifecycle: JobLifecycle) -> None:
    job = new_job(lifecycle)
    with pytest.raises(ConflictError) as refused:
        lifecycle.retry(job.tenant_id, job.id)
    assert refused.value.code == "job_not_retryable"


def test_delete_removes_the_row_and_the_original(lifecycle: JobLifecycle) -> None:
    job = new_job(lifecycle)
    lifecycle.delete(job.tenant_id, job.id)
    assert not has_original(lifecycle, job)
    with lifecycle.db.session() as session:
        assert session.get(Job, job.id) is None
    with pytest.raises(NotFoundError):
        lifecycle.delete(job.tenant_id, job.id)
