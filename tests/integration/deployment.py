"""A deployment in one process for the integration tests: the gateway (TestClient) and a
worker's task bodies on one embedded default, with test-only analysis types whose small
pipeline reports the colour of each page it is given (slowly enough to be caught mid-job)."""

from __future__ import annotations

import base64
import io
import json
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
from shared.db.models import Job, WorkerHeartbeat, utcnow
from shared.db.session import get_database
from shared.errors import CorruptImageError
from shared.lifecycle import JobLifecycle
from shared.queue import create_celery
from shared.storage import open_store
from shared.tenants import bootstrap
from tests.conftest import MODELS_DIR
from workers import tasks, webhooks
from workers.pipelines import Inputs, JobContext
from workers.scheduler import Reconciler

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

    def run(self, inputs: Inputs, options: Any, context: JobContext) -> PageColours:
        colours: dict[str, list[tuple[int, int, int]]] = {}
        for field, pages in inputs.items():
            colours[field] = []
            for page in pages:
                time.sleep(PAGE_SECONDS)
                ColourReader.pages_read.append(len(ColourReader.pages_read))
                colours[field].append(page.getpixel((0, 0)))  # type: ignore[arg-type]
        return PageColours(colours=colours)


class UnreadableReader(ColourReader):
    """A pipeline that fails every job as a real one fails on a page it cannot read."""

    def run(self, inputs: Inputs, options: Any, context: JobContext) -> PageColours:
        raise CorruptImageError("test: this page cannot be read")


def colour_type(
    name: str,
    pages: Pages,
    inputs: tuple[Input, ...] | None = None,
    pipeline: str | None = "ColourReader",
) -> Analysis[Any]:
    return Analysis(
        name=name,
        summary="test: page colours",
        queue="ocr",
        options=JobOptions,
        result=PageColours,
        text=lambda result: " ".join(map(str, result.colours)),
        rows=lambda result: [{"pages": len(result.colours)}],
        model_roles=("colour_reader",),
        pipeline=f"{__name__}:{pipeline}" if pipeline else None,
        pages=pages,
        **({"inputs": inputs} if inputs else {}),
    )


def unbuilt_type() -> Analysis[Any]:
    """A type the contract lists but no release has built (every shipped type now has its
    pipeline): the gateway and the workers must refuse it as `model_unavailable`."""
    return colour_type("test_unbuilt", Pages.FIRST, pipeline=None)


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


def deployment_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **environment: str
) -> Iterator[Deployment]:
    """A deployment whose settings come from the environment, as every process reads them."""
    for name, value in {
        "BODA_DATA_DIR": str(tmp_path / "data"),
        "BODA_MODELS__DIR": str(MODELS_DIR),
        "BODA_WORKER__HEARTBEAT_SECONDS": str(HEARTBEAT),
        "BODA_WORKER__LEASE_SECONDS": "30",
        **environment,
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    tasks.runtime.cache_clear()
    webhooks.sender.cache_clear()
    settings = get_settings()
    upgrade(settings.database_url)
    key = bootstrap(get_database(settings.database_url), settings)
    assert key is not None
    for analysis in (
        colour_type("test_first_page", Pages.FIRST),
        colour_type("test_all_pages", Pages.ALL),
        colour_type("test_pair", Pages.FIRST, (Input("file", "source"), Input("target", "target"))),
        colour_type("test_failing", Pages.FIRST, pipeline="UnreadableReader"),
        unbuilt_type(),
    ):
        monkeypatch.setitem(ANALYSES, analysis.name, analysis)
    ColourReader.pages_read = []
    with TestClient(create_app(settings)) as client:
        yield Deployment(client, key, settings)
    get_database(settings.database_url).engine.dispose()
    get_settings.cache_clear()
    tasks.runtime.cache_clear()
    webhooks.sender.cache_clear()


def deliver_webhooks(deployment: Deployment) -> int:
    """What the scheduler and a `webhooks` worker do once: hand out the due deliveries, then
    make each attempt handed out (read from the folder broker). Returns how many were made."""
    settings = get_settings()
    celery = create_celery(settings)
    lifecycle = JobLifecycle(deployment.db, open_store(settings.storage), settings.webhooks)
    Reconciler(deployment.db, celery, settings, lifecycle).dispatch_deliveries()
    made = 0
    for message in sorted((settings.broker_folder / "queue").glob("*.webhooks.msg")):
        delivery_id, attempt = json.loads(
            base64.b64decode(json.loads(message.read_bytes())["body"])
        )[0]
        message.unlink()
        webhooks.sender().deliver(uuid.UUID(delivery_id), attempt)
        made += 1
    return made


class InProcessWorker:
    """A thread that runs every queued job's task body, as a worker of this deployment would,
    until it is stopped."""

    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> InProcessWorker:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            with self.deployment.db.session() as session:
                queued = session.scalars(select(Job.id).where(Job.status == "queued")).all()
            for job_id in queued:
                tasks.execute(str(job_id))
