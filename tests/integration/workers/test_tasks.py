"""The worker's task body in-process: outcomes are recorded with stable codes, never lost."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import urllib3
from sqlalchemy import select

from shared.analyses import ANALYSES
from shared.config import Settings, get_settings
from shared.db.migrations import upgrade
from shared.db.models import Job, JobEvent, Tenant
from shared.db.session import get_database
from shared.storage import open_store
from tests.conftest import MODELS_DIR, free_port
from tests.integration.conftest import png
from tests.integration.deployment import unbuilt_type
from workers import tasks


@pytest.fixture
def worker_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Worker settings from the environment, as a worker process reads them."""
    monkeypatch.setenv("BODA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BODA_MODELS__DIR", str(MODELS_DIR))
    get_settings.cache_clear()
    tasks.runtime.cache_clear()
    settings = get_settings()
    upgrade(settings.database_url)
    yield settings
    get_database(settings.database_url).engine.dispose()
    get_settings.cache_clear()
    tasks.runtime.cache_clear()


def queued_job(settings: Settings, data: bytes, job_type: str = "general") -> uuid.UUID:
    with get_database(settings.database_url).session() as session:
        tenant = Tenant(name=f"t-{uuid.uuid4().hex[:6]}", webhook_secret="s")
        session.add(tenant)
        session.flush()
        key = f"o/{uuid.uuid4()}"
        job = Job(tenant_id=tenant.id, type=job_type, input={}, originals={"file": key})
        session.add(job)
    open_store(settings.storage).put(key, data, "image/png")
    return job.id


def outcome(settings: Settings, job_id: uuid.UUID) -> tuple[str, str | None, list[str]]:
    with get_database(settings.database_url).session() as session:
        job = session.get(Job, job_id)
        assert job is not None
        events = session.scalars(select(JobEvent.event).where(JobEvent.job_id == job_id)).all()
        return job.status, job.error_code, list(events)


@pytest.mark.slow
def test_a_blank_page_succeeds_with_no_text(worker_settings: Settings) -> None:
    job_id = queued_job(worker_settings, png(300, 200))
    tasks.execute(str(job_id))
    assert outcome(worker_settings, job_id) == ("succeeded", None, ["job.succeeded"])
    tasks.execute(str(job_id))  # a duplicate message changes nothing
    assert outcome(worker_settings, job_id) == ("succeeded", None, ["job.succeeded"])


def test_a_corrupt_original_fails_the_job_with_its_code(worker_settings: Settings) -> None:
    job_id = queued_job(worker_settings, png(300, 200)[:-100])
    tasks.execute(str(job_id))
    assert outcome(worker_settings, job_id) == ("failed", "corrupt_image", ["job.failed"])


def test_a_missing_analysis_fails_as_model_unavailable(
    worker_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(ANALYSES, "test_unbuilt", unbuilt_type())
    job_id = queued_job(worker_settings, png(300, 200), job_type="test_unbuilt")
    tasks.execute(str(job_id))
    assert outcome(worker_settings, job_id) == ("failed", "model_unavailable", ["job.failed"])


def test_storage_down_gives_the_job_back_to_the_queue(
    worker_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id = queued_job(worker_settings, png(300, 200))
    monkeypatch.setenv("BODA_STORAGE__BACKEND", "s3")
    monkeypatch.setenv("BODA_STORAGE__ENDPOINT", f"127.0.0.1:{free_port()}")  # nothing listens
    get_settings.cache_clear()
    tasks.runtime.cache_clear()
    with pytest.raises(urllib3.exceptions.HTTPError):
        tasks.execute(str(job_id))
    with get_database(worker_settings.database_url).session() as session:
        job = session.get(Job, job_id)
        assert job is not None
        assert (job.status, job.attempts, job.claimed_by) == ("queued", 0, None)
