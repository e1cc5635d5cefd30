"""Claims, leases and the scheduler on SQLite and on the real Postgres.

Executions may repeat; effects must not: one claim at a time, one result set, one terminal
event per run, and a job whose worker died is taken back or failed with `worker_lost`.
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
from shared.queue import create_celery
from tests.conftest import embedded_settings
from workers import claims
from workers.scheduler import Reconciler


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Settings, Database]]:
    overrides = (
        {"db": {"url": request.getfixturevalue("pg_url")}} if request.param == "postgres" else {}
    )
    settings = embedded_settings(
        tmp_path / "data",
        worker={"lease_seconds": 0.5, "heartbeat_seconds": 0.1, "max_attempts": 2},
        scheduler={"requeue_after_seconds": 60},
        **overrides,
    )
    upgrade(settings.database_url)
    db = Database(settings.database_url)
    yield settings, db
    with db.session() as session:  # the Postgres database is shared by the run's tests
        session.execute(Job.__table__.delete())
        session.execute(Tenant.__table__.delete())
    db.engine.dispose()


def _job(db: Database) -> uuid.UUID:
    with db.session() as session:
        tenant = Tenant(name=f"t-{uuid.uuid4().hex[:8]}", webhook_secret="s")
        session.add(tenant)
        session.flush()
        job = Job(tenant_id=tenant.id, type="general", input={}, object_key="k")
        session.add(job)
        session.flush()
        return job.id


def _count(db: Database, model: type, job_id: uuid.UUID) -> int:
    with db.session() as session:
        return (
            session.scalar(select(func.count()).select_from(model).where(model.job_id == job_id))
            or 0
        )


def _job_row(db: Database, job_id: uuid.UUID) -> Job:
    with db.session() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def _queued_messages(settings: Settings) -> int:
    return len(list((settings.broker_folder / "queue").glob("*.msg")))


def test_a_job_is_claimed_once_and_ends_once(backend: tuple[Settings, Database]) -> None:
    _settings, db = backend
    job_id = _job(db)
    held = claims.claim(db, job_id, "w1:1", 30)
    assert held is not None and held.attempt == 1 and held.run == 1
    assert claims.claim(db, job_id, "w2:2", 30) is None
    assert claims.succeed(db, held, {"pages": []}, "text", {"text_detection": "m"})
    assert not claims.succeed(db, held, {"pages": []}, "text", {"text_detection": "m"})
    assert not claims.fail(db, held, "internal_error", "late")
    job = _job_row(db, job_id)
    assert (job.status, job.models, job.claimed_by) == ("succeeded", {"text_detection": "m"}, None)
    assert _count(db, JobResult, job_id) == 1 and _count(db, JobEvent, job_id) == 1


def test_a_cancelled_job_drops_the_late_result(backend: tuple[Settings, Database]) -> None:
    _settings, db = backend
    job_id = _job(db)
    held = claims.claim(db, job_id, "w1:1", 30)
    assert held is not None
    with db.session() as session:
        session.get(Job, job_id).status = "cancelled"  # type: ignore[union-attr]
    assert not claims.renew(db, held, 30)
    assert not claims.succeed(db, held, {}, "", {})
    assert _count(db, JobResult, job_id) == 0 and _count(db, JobEvent, job_id) == 0


def test_release_gives_the_job_back_without_counting_the_attempt(
    backend: tuple[Settings, Database],
) -> None:
    _settings, db = backend
    job_id = _job(db)
    held = claims.claim(db, job_id, "w1:1", 30)
    assert held is not None
    claims.release(db, held)
    job = _job_row(db, job_id)
    assert (job.status, job.attempts, job.claimed_by) == ("queued", 0, None)
    assert claims.claim(db, job_id, "w1:1", 30) is not None


def test_expired_leases_are_requeued_then_failed_as_worker_lost(
    backend: tuple[Settings, Database],
) -> None:
    settings, db = backend
    reconciler = Reconciler(db, create_celery(settings), settings)
    job_id = _job(db)
    first = claims.claim(db, job_id, "w1:1", settings.worker.lease_seconds)
    assert first is not None
    reconciler.recover_expired_leases()
    assert _job_row(db, job_id).status == "running"  # the lease is still valid
    time.sleep(0.6)
    reconciler.recover_expired_leases()
    job = _job_row(db, job_id)
    assert (job.status, job.attempts, job.claimed_by) == ("queued", 1, None)
    assert _queued_messages(settings) == 1
    assert not claims.succeed(db, first, {}, "", {})  # the dead worker's claim is void

    second = claims.claim(db, job_id, "w2:2", settings.worker.lease_seconds)
    assert second is not None and second.attempt == 2
    time.sleep(0.6)
    reconciler.recover_expired_leases()
    job = _job_row(db, job_id)
    assert (job.status, job.error_code) == ("failed", "worker_lost")
    assert _count(db, JobEvent, job_id) == 1 and _count(db, JobResult, job_id) == 0


def test_waiting_jobs_are_sent_again_without_flooding(backend: tuple[Settings, Database]) -> None:
    settings, db = backend
    reconciler = Reconciler(db, create_celery(settings), settings)
    job_id = _job(db)  # never sent: enqueued_at is empty
    reconciler.requeue_waiting()
    reconciler.requeue_waiting()
    assert _queued_messages(settings) == 1
    assert _job_row(db, job_id).enqueued_at is not None
