"""A worker told to stop (SIGTERM, as `boda run` and compose do) gives its running job back to
the queue at once, instead of leaving it `running` until its lease expires."""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shared.db.models import Job, JobResult
from shared.db.session import Database
from synth.sets import clean_set
from tests.e2e.conftest import Service, base_env
from tests.e2e.test_general_ocr_e2e import tiff_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def long_lease_service(tmp_path: Path) -> Iterator[Service]:
    """The embedded default with leases far longer than the test: only a give-back requeues."""
    env = base_env(tmp_path / "data") | {"BODA_WORKER__LEASE_SECONDS": "120"}
    with Service(env, tmp_path) as service:
        yield service


def test_a_stopping_worker_gives_its_job_back_at_once(long_lease_service: Service) -> None:
    service = long_lease_service
    response = service.client.post(
        "/v1/jobs",
        data={"type": "general"},
        files={"file": ("pages.tiff", tiff_bytes(clean_set(n=4, seed=7)))},
    )
    job_id = uuid.UUID(response.json()["id"])
    db = Database(f"sqlite:///{service.env['BODA_DATA_DIR']}/boda.sqlite3")

    def state() -> tuple[str, int]:
        with db.session() as session:
            job = session.get_one(Job, job_id)
            return job.status, job.attempts

    service.wait_until(lambda: state()[0] == "running", 60, "the job to be claimed")
    worker = service.processes["worker"]
    worker.send_signal(signal.SIGTERM)
    stopped = time.monotonic()
    service.wait_until(lambda: state()[0] != "running", 15, "the job to be given back")
    assert state() == ("queued", 0)
    assert time.monotonic() - stopped < 15  # the lease had two minutes left
    assert worker.wait(timeout=30) == 0

    service.boda("worker2", "worker", "--queues", "ocr", "--concurrency", "1")
    job = service.wait_for_job(str(job_id), timeout=180)
    assert (job["status"], job["attempts"], job["pages"]) == ("succeeded", 1, 4)
    with db.session() as session:
        assert session.scalar(select(func.count()).where(JobResult.job_id == job_id)) == 1
    db.engine.dispose()
