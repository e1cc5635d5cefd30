"""The embedded default (`boda run`: gateway, a worker, the scheduler) on a temporary data
folder, as benchmarks start it, with an HTTP client holding its API key."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def embedded_service(data_dir: Path, **environment: str) -> Iterator[httpx.Client]:
    """`boda run` with `BODA_DATA_DIR=data_dir` (and `environment`), ready, until the block
    ends; its log is beside the data folder."""
    port = _free_port()
    env = {**os.environ, "BODA_DATA_DIR": str(data_dir), **environment}
    with (data_dir.parent / "service.log").open("wb") as log:
        service = subprocess.Popen(
            [sys.executable, "-m", "boda", "run", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            client = _client(port, data_dir)
            _wait_ready(client)
            yield client
        finally:
            service.terminate()
            service.wait(timeout=60)


def _client(port: int, data_dir: Path) -> httpx.Client:
    key_file = data_dir / "api_key"
    deadline = time.monotonic() + 60
    while not key_file.exists():
        if time.monotonic() > deadline:
            raise RuntimeError("the service did not create its API key")
        time.sleep(0.2)
    key = key_file.read_text().strip()
    return httpx.Client(
        base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {key}"}, timeout=300
    )


def _wait_ready(client: httpx.Client) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            body = client.get("/readyz").json()
            if body["status"] == "ok" and body["workers"].get("ocr"):
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the service did not become ready")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
