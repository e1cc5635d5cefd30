"""The registry drives every step: a test-only type, with a small pipeline of its own, is
accepted by the gateway, run by the worker on exactly the pages it declares (never General OCR),
stopped at its next page when cancelled or when the worker stops; types without a pipeline, or
whose models no worker has, are refused at submit."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import select

from shared.analyses import ANALYSES
from shared.db.models import Job, JobResult
from shared.queue import create_celery
from tests.integration.deployment import (
    COLOURS,
    HEARTBEAT,
    PAGE_SECONDS,
    ColourReader,
    Deployment,
    tiff,
)
from workers import tasks
from workers.shutdown import StopSignal
from workers.wakeups import BrokerQueues


@pytest.mark.parametrize(
    ("job_type", "seen"), [("test_first_page", COLOURS[:1]), ("test_all_pages", COLOURS)]
)
def test_a_job_runs_its_types_pipeline_on_the_pages_it_declares(
    deployment: Deployment, job_type: str, seen: list[tuple[int, int, int]]
) -> None:
    answer = deployment.submit(job_type, {"file": tiff(COLOURS)})
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert job["pages"] == 3

    tasks.execute(job["id"])

    done = deployment.client.get(f"/v1/jobs/{job['id']}", headers=deployment.auth).json()
    assert (done["status"], done["models"]) == ("succeeded", {"colour_reader": "test-1"})
    result = deployment.client.get(f"/v1/jobs/{job['id']}/result", headers=deployment.auth)
    assert result.json() == {"colours": {"file": [list(colour) for colour in seen]}}
    assert len(ColourReader.pages_read) == len(seen)


def test_a_type_with_two_inputs_stores_both_and_its_key_covers_both(
    deployment: Deployment,
) -> None:
    source, target = tiff(COLOURS[:1]), tiff(COLOURS[1:2])
    headers = {"Idempotency-Key": "pair-1"}
    files = {"file": ("s.tiff", source), "target": ("t.tiff", target)}
    answer = deployment.client.post(
        "/v1/jobs",
        headers=deployment.auth | headers,
        data={"type": "test_pair"},
        files=files,
    )
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert set(job["input"]) == {"source", "target"}
    assert job["input"]["target"]["filename"] == "t.tiff"
    tasks.execute(job["id"])
    result = deployment.client.get(f"/v1/jobs/{job['id']}/result", headers=deployment.auth)
    assert result.json()["colours"] == {"file": [[200, 0, 0]], "target": [[0, 200, 0]]}

    other_target = {**files, "target": ("t.tiff", tiff(COLOURS[2:]))}
    again = deployment.client.post(
        "/v1/jobs",
        headers=deployment.auth | headers,
        data={"type": "test_pair"},
        files=other_target,
    )
    assert (again.status_code, again.json()["error"]["code"]) == (409, "idempotency_key_mismatch")
    missing = deployment.submit("test_pair", {"file": source})
    assert (missing.status_code, missing.json()["error"]["code"]) == (400, "invalid_request")


def test_every_type_without_a_pipeline_is_refused_at_submit(deployment: Deployment) -> None:
    unbuilt = [name for name, analysis in ANALYSES.items() if analysis.pipeline is None]
    assert unbuilt == ["test_unbuilt"]  # every shipped type has its pipeline
    for name in unbuilt:
        answer = deployment.submit(name, {"file": tiff(COLOURS[:1])})
        assert (answer.status_code, answer.json()["error"]["code"]) == (501, "model_unavailable")
    with deployment.db.session() as session:
        assert session.scalars(select(Job)).all() == []


def test_a_type_no_worker_can_run_is_refused_but_a_restarting_worker_is_no_reason(
    deployment: Deployment,
) -> None:
    deployment.report(["test_all_pages"], live=False)  # seen long ago, stopped since
    assert deployment.submit("test_first_page", {"file": tiff(COLOURS)}).status_code == 501
    assert deployment.submit("test_all_pages", {"file": tiff(COLOURS)}).status_code == 202

    deployment.report(["general"], live=True)  # a live worker decides over the stopped one
    refused = deployment.submit("test_all_pages", {"file": tiff(COLOURS)})
    assert (refused.status_code, refused.json()["error"]["code"]) == (501, "model_unavailable")


def run_in_background(job_id: str) -> threading.Thread:
    worker = threading.Thread(target=tasks.execute, args=(job_id,))
    worker.start()
    deadline = time.monotonic() + 10
    while len(ColourReader.pages_read) < 2:
        assert time.monotonic() < deadline, "the job did not start"
        time.sleep(0.01)
    return worker


def test_a_cancelled_running_job_stops_within_one_heartbeat(deployment: Deployment) -> None:
    job_id = deployment.submit("test_all_pages", {"file": tiff(COLOURS * 10)}).json()["id"]
    worker = run_in_background(job_id)

    cancelled = deployment.client.post(f"/v1/jobs/{job_id}/cancel", headers=deployment.auth)
    started = time.monotonic()
    worker.join(timeout=10)
    stopped_after = time.monotonic() - started

    assert cancelled.json()["status"] == "cancelled"
    assert stopped_after < HEARTBEAT + PAGE_SECONDS + 0.15, stopped_after
    assert len(ColourReader.pages_read) < 10
    with deployment.db.session() as session:
        assert session.get(JobResult, uuid.UUID(job_id)) is None
    assert deployment.job(job_id).status == "cancelled"


def test_a_stopping_worker_gives_its_job_back_at_once(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    stop = StopSignal()
    monkeypatch.setattr(tasks, "STOPPING", stop)
    job_id = deployment.submit("test_all_pages", {"file": tiff(COLOURS * 10)}).json()["id"]
    broker = BrokerQueues(create_celery(deployment.settings))
    assert broker.pending("ocr") == {job_id}
    for message in (deployment.settings.broker_folder / "queue").glob("*.msg"):
        message.unlink()  # taken by this worker
    worker = run_in_background(job_id)

    stop.set()
    started = time.monotonic()
    worker.join(timeout=10)

    assert time.monotonic() - started < PAGE_SECONDS + 0.15
    job = deployment.job(job_id)
    assert (job.status, job.attempts, job.claimed_by) == ("queued", 0, None)
    assert job.enqueued_at is not None
    assert broker.pending("ocr") == {job_id}  # woken again
