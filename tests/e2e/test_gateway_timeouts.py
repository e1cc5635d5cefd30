"""`boda serve` does not hold connections that stall: a request head that never ends is cut
off, a body that stops arriving is answered 408 `request_timeout`."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.e2e.conftest import ROOT, base_env

pytestmark = pytest.mark.e2e
TIMEOUT = 1.0


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[int]:
    env = base_env(tmp_path / "data") | {"BODA_LIMITS__READ_TIMEOUT_SECONDS": str(TIMEOUT)}
    migrate = [sys.executable, "-m", "boda", "migrate"]
    subprocess.run(migrate, env=env, cwd=ROOT, check=True, capture_output=True, timeout=120)
    port = free_port()
    serve = [sys.executable, "-m", "boda", "serve", "--port", str(port)]
    process = subprocess.Popen(serve, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "the gateway did not start"
            time.sleep(0.1)
    yield port
    process.terminate()
    process.wait(timeout=20)


def read_all(connection: socket.socket) -> bytes:
    connection.settimeout(TIMEOUT * 5)
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_a_request_head_that_never_ends_is_cut_off(gateway: int) -> None:
    with socket.create_connection(("127.0.0.1", gateway)) as connection:
        connection.sendall(b"POST /v1/jobs HTTP/1.1\r\nHost: boda\r\nX-Slow: ")
        started = time.monotonic()
        assert read_all(connection) == b""  # closed by the server, nothing answered
        assert time.monotonic() - started < TIMEOUT * 3


def test_a_body_that_stops_arriving_is_answered_408(gateway: int) -> None:
    head = (
        b"POST /v1/jobs HTTP/1.1\r\nHost: boda\r\n"
        b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", gateway)) as connection:
        connection.sendall(head + b"--x\r\n")
        answer = read_all(connection)
    status, _, rest = answer.partition(b"\r\n")
    assert status.startswith(b"HTTP/1.1 408")
    body = json.loads(rest.split(b"\r\n\r\n", 1)[1])
    assert body["error"]["code"] == "request_timeout"
