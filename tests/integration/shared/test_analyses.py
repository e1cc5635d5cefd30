"""The registry drives every step: a test-only type, with a small pipeline of its own, is
accepted by the gateway, run by the worker on exactly the pages it declares (never General OCR),
stopped at its next page when cancelled or when the worker stops; types without a pipeline, or
whose models no worker has, are refused at submit."""

from __future__ import annotations

import io
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from pydantic import BaseModel
from sqlalchemy import select

from gateway.app import create_app
from shared.analyses import ANALYSES, Analysis, Pages
from shared.analyses.contract import Input
from shared.analyses.options import JobOptions
from shared.config import Settings, get_settings
from shared.db.migrations import upgrade
from shared.db.models import Job, JobResult, WorkerHeartbeat, utcnow
from shared.db.session import get_database
from shared.queue import create_celery
from shared.tenants import bootstrap
from tests.conftest import MODELS_DIR
from workers import tasks
from workers.pipelines import Inputs
from workers.shutdown import StopSignal
from workers.wakeups import BrokerQueues

HEARTBEAT = 0.3
PAGE_SECONDS = 0.1
COLOURS = [(200, 0, 0), (0, 200, 0), (0, 0, 200)]


class PageColours(BaseModel):
    """What the test pipeline saw: each page's colour, per input."""

    colours: dict[str, list[tuple[int, int, int]]]


class ColourReader:
    """A pipeline (and its factory) that reports the colour of every page it is given, slowly
    enough to be caught mid-job."""

    pages_read: ClassVar[list[int]] = []

    @classmethod
    def check(cls, settings: Settings) -> None:
        return None

    @classmethod
    def load(cls, settings: Settings) -> ColourReader:
        return cls()

    @property
    def models(self) -> dict[str, str]:
        return {"colour_reader": "test-1"}

    def run(self, inputs: Inputs, options: Any) -> PageColours:
        colours: dict[str, list[tuple[int, int, int]]] = {}
        for field, pages in inputs.items():
            colours[field] = []
            for page in pages:
                time.sleep(PAGE_SECONDS)
                ColourReader.pages_read.append(len(ColourReader.pages_read))
                colours[field].append(page.getpixel((0, 0)))  # type: ignore[arg-type]
        return PageColours(colours=colours)


def colour_type(name: str, pages: Pages, inputs: tuple[Input, ...] | None = None) -> Analysis[Any]:
    return Analysis(
        name=name,
        summary="test: page colours",
        queue="ocr",
        options=JobOptions,
        result=PageColours,
        text=lambda result: " ".join(map(str, result.colours)),
        rows=lambda result: [{"pages": len(result.colours)}],
        model_roles=("colour_reader",),
        pipeline=f"{__name__}:ColourReader",
        pages=pages,
        **({"inputs": inputs} if inputs else {}),
    )


def tiff(colours: list[tuple[int, int, int]]) -> bytes:
    first, *rest = [Image.new("RGB", (64, 48), colour) for colour in colours]
    buffer = io.BytesIO()
    first.save(buffer, "TIFF", save_all=True, append_images=rest)
    return buffer.getvalue()


class Deployment:
    """The gateway in-process and a worker's task body, on one embedded default."""

    def __init__(self, client: TestClient, key: str, settings: Settings) -> None:
        self.client, self.settings = client, settings
        self.auth = {"Authorization": f"Bearer {key}"}
        self.db = get_database(settings.database_url)

    def submit(self, job_type: str, files: dict[str, bytes], **form: str) -> Any:
        return self.client.post(
            "/v1/jobs",
            headers=self.auth,
            data={"type": job_type, **form},
            files={field: (f"{field}.tiff", data) for field, data in files.items()},
        )

    def job(self, job_id: str) -> Job:
        with self.db.session() as session:
            return session.get_one(Job, uuid.UUID(job_id))

    def report(self, analyses: list[str], *, live: bool) -> None:
        """A worker of the ocr queue, live or stopped long ago, that can run `analyses`."""
        seen = utcnow() if live else utcnow().replace(year=2020)
        with self.db.session() as session:
            session.add(
                WorkerHeartbeat(
                    name=f"test:{uuid.uuid4().hex[:6]}",
                    queues="face,ocr",
                    analyses=analyses,
                    started_at=seen,
                    last_seen=seen,
                    stopped_at=None if live else seen,
                )
            )


@pytest.fixture
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployment]:
    for name, value in {
        "BODA_DATA_DIR": str(tmp_path / "data"),
        "BODA_MODELS__DIR": str(MODELS_DIR),
        "BODA_WORKER__HEARTBEAT_SECONDS": str(HEARTBEAT),
        "BODA_WORKER__LEASE_SECONDS": "30",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    tasks.runtime.cache_clear()
    settings = get_settings()
    upgrade(settings.database_url)
    key = bootstrap(get_database(settings.database_url), settings)
    assert key is not None
    for analysis in (
        colour_type("test_first_page", Pages.FIRST),
        colour_type("test_all_pages", Pages.ALL),
        colour_type("test_pair", Pages.FIRST, (Input("file", "source"), Input("target", "target"))),
    ):
        monkeypatch.setitem(ANALYSES, analysis.name, analysis)
    ColourReader.pages_read = []
    with TestClient(create_app(settings)) as client:
        yield Deployment(client, key, settings)
    get_database(settings.database_url).engine.dispose()
    get_settings.cache_clear()
    tasks.runtime.cache_clear()


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
    assert "face_spoof" in unbuilt and "general" not in unbuilt
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
