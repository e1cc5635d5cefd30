"""`boda run` (what `make run` starts): one supervisor, a key printed, jobs served, children
restarted when they die and stopped with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.conftest import free_port
from tests.e2e.conftest import ROOT, base_env
from tests.integration.conftest import png

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _wait(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _ready(client: httpx.Client) -> bool:
    try:
        body = client.get("/readyz").json()
    except httpx.TransportError:
        return False
    return body["status"] == "ok" and body["workers"].get("ocr", 0) >= 1


def _children(pid: int) -> dict[int, str]:
    """Live child processes of `pid` and their command lines (zombies left out)."""
    found = {}
    for child in psutil.Process(pid).children():
        try:
            found[child.pid] = " ".join(child.cmdline())
        except (psutil.ZombieProcess, psutil.NoSuchProcess):
            continue
    return found


def test_boda_run_serves_prints_its_key_and_supervises(tmp_path: Path) -> None:
    env = base_env(tmp_path / "data")
    del env["BODA_BOOTSTRAP_API_KEY"]
    port = free_port()
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        supervisor = subprocess.Popen(
            [sys.executable, "-m", "boda", "run", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)  # waits up to 30 s
    try:
        _wait(lambda: "API key of the default tenant: boda_" in log.read_text(), 60, "the key")
        key = log.read_text().split("API key of the default tenant: ")[1].split()[0]
        assert key == (tmp_path / "data" / "api_key").read_text().strip()
        client.headers["Authorization"] = f"Bearer {key}"
        _wait(lambda: _ready(client), 120, "readiness with a live ocr worker")

        children = _children(supervisor.pid)
        assert sorted(line.split(" -m boda ")[1].split()[0] for line in children.values()) == [
            "scheduler",
            "serve",
            "worker",
        ]
        scheduler = next(pid for pid, line in children.items() if "scheduler" in line)
        os.kill(scheduler, signal.SIGKILL)
        _wait(
            lambda: any(
                "scheduler" in line and pid != scheduler
                for pid, line in _children(supervisor.pid).items()
            ),
            30,
            "the scheduler to be started again",
        )
        children = _children(supervisor.pid)
        blank = client.post(
            "/v1/jobs",
            params={"wait": 30},
            data={"type": "general"},
            files={"file": ("blank.png", png(400, 200))},
        ).json()
        assert blank["status"] == "succeeded", blank
        assert client.get(f"/v1/jobs/{blank['id']}/result").json()["text"] == ""
    finally:
        client.close()
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=40) == 0, log.read_text()[-3000:]
    assert not any(psutil.pid_exists(pid) for pid in children)
