"""The service as users run it: `boda` processes (migrate, gateway, worker, scheduler) over
HTTP, on the embedded default or on Postgres + Redis + an S3-API server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.config import StorageSettings
from shared.storage import S3ObjectStore
from tests.conftest import MODELS_DIR, REDIS_URL, RUN_ID, free_port

API_KEY = f"boda_e2e{RUN_ID}_{'k' * 40}"
ROOT = Path(__file__).resolve().parents[2]


class Service:
    """A running deployment: its processes, its HTTP client and its environment."""

    def __init__(self, env: dict[str, str], logs: Path, queues: str = "ocr") -> None:
        self.env = env
        self.logs = logs
        self.queues = queues
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.port = free_port()
        self.client = httpx.Client(
            base_url=f"http://127.0.0.1:{self.port}",
            headers={"Authorization": f"Bearer {API_KEY}"},
            timeout=60,
        )

    def boda(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("ab") as log:  # the child keeps its own copy
            process = subprocess.Popen(
                [sys.executable, "-m", "boda", *args],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=log,
            )
        self.processes[name] = process
        return process

    def __enter__(self) -> Service:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def start(self) -> None:
        migrate = self.boda("migrate", "migrate")
        assert migrate.wait(timeout=120) == 0, self.log("migrate")
        self.boda("gateway", "serve", "--port", str(self.port))
        self.boda("worker", "worker", "--queues", self.queues, "--concurrency", "1")
        self.boda("scheduler", "scheduler")
        self.wait_until(lambda: self._ready(), 60, f"gateway ready and live {self.queues} workers")

    def _ready(self) -> bool:
        try:
            body = self.client.get("/readyz").json()
        except httpx.TransportError:
            return False
        queues = self.queues.split(",")
        return body["status"] == "ok" and all(body["workers"].get(q, 0) >= 1 for q in queues)

    def wait_until(self, condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}\n{self.all_logs()}")
            time.sleep(0.2)

    def wait_for_job(self, job_id: str, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.client.get(f"/v1/jobs/{job_id}", params={"wait": 5}).json()
            if job["status"] in ("succeeded", "failed", "cancelled"):
                return job
        raise AssertionError(f"job {job_id} did not finish\n{self.all_logs()}")

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-6000:] if path.exists() else ""

    def all_logs(self) -> str:
        return "\n".join(f"--- {name}\n{self.log(name)}" for name in self.processes)

    def stop(self) -> None:
        self.client.close()
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def base_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BODA_")}
    env.update(
        BODA_DATA_DIR=str(data_dir),
        BODA_MODELS__DIR=str(MODELS_DIR),
        BODA_BOOTSTRAP_API_KEY=API_KEY,
        BODA_WORKER__LEASE_SECONDS="3",
        BODA_WORKER__HEARTBEAT_SECONDS="1",
        BODA_SCHEDULER__INTERVAL_SECONDS="0.5",
        BODA_SCHEDULER__REQUEUE_AFTER_SECONDS="20",
        BODA_BROKER__POLLING_INTERVAL="0.1",
        PADDLE_PDX_CACHE_HOME=str(ROOT / ".cache" / "paddlex"),
    )
    return env


@pytest.fixture
def embedded_service(tmp_path: Path) -> Iterator[Service]:
    with Service(base_env(tmp_path / "data"), tmp_path) as service:
        yield service


def servers_env(data_dir: Path, pg_url: str, redis_prefix: str, s3_endpoint: str) -> dict[str, str]:
    """The production shape: Postgres, Redis as broker and an S3-API server for objects."""
    env = base_env(data_dir)
    bucket = f"boda-e2e-{RUN_ID}"
    env.update(
        BODA_DB__URL=pg_url,
        BODA_BROKER__URL=REDIS_URL,
        BODA_BROKER__KEY_PREFIX=redis_prefix,
        BODA_STORAGE__BACKEND="s3",
        BODA_STORAGE__ENDPOINT=s3_endpoint,
        BODA_STORAGE__ACCESS_KEY="test",
        BODA_STORAGE__SECRET_KEY="testsecret",
        BODA_STORAGE__BUCKET=bucket,
        BODA_STORAGE__REGION="us-east-1",
    )
    S3ObjectStore(
        StorageSettings(
            backend="s3",
            endpoint=s3_endpoint,
            access_key="test",
            secret_key="testsecret",
            bucket=bucket,
            region="us-east-1",  # type: ignore[arg-type]
        )
    ).ensure_bucket()
    return env


@pytest.fixture
def servers_service(
    tmp_path: Path, pg_url: str, redis_prefix: str, s3_endpoint: str
) -> Iterator[Service]:
    with Service(
        servers_env(tmp_path / "data", pg_url, redis_prefix, s3_endpoint), tmp_path
    ) as service:
        yield service
