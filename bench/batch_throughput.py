"""Batches: documents per second through the service vs the same pipeline in-process, and a
single job's latency while a large batch waits.

`python -m bench.batch_throughput [--documents 40] [--backlog 500]`, on generated pages:
1. in-process: what the worker pool does, with as many processes and threads: each document
   decoded from its file's bytes and read by General OCR;
2. through the service: the same files as one batch on the embedded default (its worker
   sized by itself, as the in-process side), timed from the POST to the batch's end. The
   ratio of the two rates (documents per second) is printed, measured side by side in one
   run (target >= 0.9);
3. a single job's time (POST to its end) on the idle service, then again while a batch of
   `backlog` documents waits in the same worker's queue (the batch is deleted after).
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from bench.in_process import in_process_parallel_seconds
from bench.service import embedded_service
from shared.config import Settings
from synth.sets import clean_set


def documents(n: int) -> list[bytes]:
    files = []
    for page in clean_set(n=n, seed=3030):
        buffer = io.BytesIO()
        page.image.save(buffer, "PNG")
        files.append(buffer.getvalue())
    return files


def batch_seconds(client: httpx.Client, files: list[bytes]) -> float:
    """Seconds from sending the files as one batch to the batch's end (its `completed_at`:
    polling seldom, so that asking does not take the worker's CPU)."""
    started = time.time()
    batch = _ok(
        client.post(
            "/v1/batches",
            data={"type": "general"},
            files=[("files", (f"doc-{i}.png", data)) for i, data in enumerate(files)],
        )
    )
    while batch["status"] != "completed":
        time.sleep(0.5)
        batch = _ok(client.get(f"/v1/batches/{batch['id']}"))
    elapsed = datetime.fromisoformat(batch["completed_at"]).timestamp() - started
    if batch["counts"]["succeeded"] != len(files):
        raise RuntimeError(f"the batch did not succeed: {batch['counts']}")
    return elapsed


def single_job_seconds(client: httpx.Client, data: bytes) -> float:
    started = time.perf_counter()
    job = _ok(
        client.post(
            "/v1/jobs",
            params={"wait": 30},
            data={"type": "general"},
            files={"file": ("one.png", data)},
        )
    )
    while job["status"] not in ("succeeded", "failed"):
        job = _ok(client.get(f"/v1/jobs/{job['id']}", params={"wait": 30}))
    if job["status"] != "succeeded":
        raise RuntimeError(f"the job failed: {job['error']}")
    return time.perf_counter() - started


def latency_behind_backlog(client: httpx.Client, files: list[bytes], backlog: int) -> float:
    """A single job's seconds while `backlog` batch documents wait for the same worker."""
    many = [files[i % len(files)] for i in range(backlog)]
    batch = _ok(
        client.post(
            "/v1/batches",
            data={"type": "general"},
            files=[("files", (f"backlog-{i}.png", data)) for i, data in enumerate(many)],
        )
    )
    time.sleep(2)  # the worker is well into the batch
    try:
        return single_job_seconds(client, files[0])
    finally:
        client.delete(f"/v1/batches/{batch['id']}")


def _ok(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 400:
        raise RuntimeError(f"{response.status_code}: {response.text}")
    body: dict[str, Any] = response.json()
    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--backlog", type=int, default=500)
    args = parser.parse_args()
    files = documents(args.documents)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data")
        processes = settings.worker.concurrency
        local = in_process_parallel_seconds(files, settings, processes)
        with embedded_service(settings.data_dir) as client:
            single_job_seconds(client, files[0])  # warm-up
            through = batch_seconds(client, files)
            idle = statistics.median(single_job_seconds(client, data) for data in files[:3])
            busy = latency_behind_backlog(client, files, args.backlog)
    n, threads = len(files), settings.models.intra_op_threads
    rate_local, rate_service = n / local, n / through
    print(f"{n} documents, {processes} worker process(es) x {threads} thread(s) per job")
    print(f"in-process       {local:7.2f} s  {rate_local:5.2f} documents/s")
    print(f"batch (service)  {through:7.2f} s  {rate_service:5.2f} documents/s")
    print(f"throughput ratio service / in-process: {rate_service / rate_local:.2f} (target >= 0.9)")
    print(
        f"single job: {idle:.2f} s idle, {busy:.2f} s with a {args.backlog}-document batch "
        f"waiting ({busy / idle:.2f}x)"
    )


if __name__ == "__main__":
    main()
