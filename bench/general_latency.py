"""General OCR: the pipeline in-process vs the same images as jobs through the service.

`python -m bench.general_latency [--pages 24] [--clients 4]` renders synthetic pages, then, in
one run, side by side:
1. latency: each page read in this process (decoded from its PNG, as a worker does), then at
   once sent as a job to the embedded default (`boda run` on a temporary folder) with
   `?wait=30`, so that both sides of a page are timed under the same conditions of the
   machine; each job's time split by its own timestamps into upload → row (the gateway's
   reading, validation, storing and insert), queued, worker (fetch, decode, pipeline, write)
   and end → answer (from the job's terminal transition to the client holding it);
2. throughput: `clients` clients sending the pages at once, against the same pages read
   in-process by as many processes, with as many threads, as the service's worker has (the
   mean of a run just before and one just after the service's).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from bench.in_process import in_process_parallel_seconds
from bench.service import embedded_service
from shared.config import Settings
from shared.db.migrations import upgrade
from shared.db.models import Job, Tenant
from shared.db.session import Database
from shared.images import inspect_document, read_pages
from shared.storage import open_store
from synth.sets import clean_set
from workers.pipelines.general.reader import GeneralReader


def pngs(n: int) -> list[bytes]:
    files = []
    for page in clean_set(n=n, seed=4242):
        buffer = io.BytesIO()
        page.image.save(buffer, "PNG")
        files.append(buffer.getvalue())
    return files


def side_by_side(
    client: httpx.Client, files: list[bytes], settings: Settings
) -> tuple[list[float], list[JobTiming]]:
    """Each file decoded and read in this process (as a worker process does), then at once
    sent as a job: the two sides of a page are timed under the same conditions of the machine,
    whatever it does over the run."""
    reader = GeneralReader.load(settings.models)
    reader.read(read_pages(files[0], settings.limits, max_pages=1))  # warm-up, as at start
    job_timing(client, files[0])
    local, jobs = [], []
    for data in files:
        started = time.perf_counter()
        reader.read(read_pages(data, settings.limits, max_pages=settings.limits.max_pages))
        local.append(time.perf_counter() - started)
        jobs.append(job_timing(client, data))
    return local, jobs


@dataclass(frozen=True)
class JobTiming:
    total: float
    """From sending the POST to holding the finished job."""
    upload: float
    """From sending the POST to the job's row (read, validate, store, insert)."""
    queued: float
    """From the job's row to a worker's claim."""
    worker: float
    """From the claim to the result's commit (fetch, decode, pipeline, write)."""
    answer: float
    """From the terminal transition to the client holding the finished job."""


def job_timing(client: httpx.Client, data: bytes) -> JobTiming:
    """One page as a job, answered by `?wait=`."""
    sent = time.time()
    job = client.post(
        "/v1/jobs", params={"wait": 30}, data={"type": "general"}, files={"file": ("p.png", data)}
    ).json()
    held = time.time()
    if job["status"] != "succeeded":
        raise RuntimeError(f"the job did not succeed in time: {job}")
    created, began, ended = (
        datetime.fromisoformat(job[key]).timestamp()
        for key in ("created_at", "started_at", "finished_at")
    )
    return JobTiming(held - sent, created - sent, began - created, ended - began, held - ended)


def concurrent_seconds(client: httpx.Client, files: list[bytes], clients: int) -> float:
    """Seconds for `clients` clients to have every file read, each sending its share."""
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(lambda data: job_timing(client, data), files))
    return time.perf_counter() - started


def upload_steps(files: list[bytes], settings: Settings) -> dict[str, float]:
    """Median milliseconds of each step the gateway takes between a file's last byte and its
    job's row, each timed alone on the same files: validation (sniffing, size, pixel and page
    checks, the first page checked whole), hashing, storing the original, inserting the row."""
    upgrade(settings.database_url)
    db, store = Database(settings.database_url), open_store(settings.storage)
    with db.session() as session:
        tenant = Tenant(name="bench", webhook_secret="s")
        session.add(tenant)
    times: dict[str, list[float]] = {"validate": [], "hash": [], "store": [], "insert": []}
    for data in files:
        job_id = uuid.uuid4()
        _timed(times["validate"], inspect_document, data, settings.limits, max_pages=50)
        _timed(times["hash"], hashlib.sha256, data)
        _timed(times["store"], store.put, f"originals/{job_id}/file", data, "image/png")
        _timed(times["insert"], _insert, db, tenant.id, job_id)
    db.engine.dispose()
    return {name: statistics.median(values) for name, values in times.items()}


def _timed(into: list[float], call: Callable[..., object], *args: Any, **kwargs: Any) -> None:
    started = time.perf_counter()
    call(*args, **kwargs)
    into.append((time.perf_counter() - started) * 1000)


def _insert(db: Database, tenant_id: uuid.UUID, job_id: uuid.UUID) -> None:
    with db.session() as session:
        session.add(Job(id=job_id, tenant_id=tenant_id, type="general", input={}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=24)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    files = pngs(args.pages)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data")
        steps = upload_steps(files, Settings(data_dir=Path(tmp) / "steps"))
        processes = settings.worker.concurrency
        # The in-process throughput is measured just before and just after the service's, and
        # compared with their mean: a machine that slows down or speeds up over the run moves
        # both sides alike.
        local_before = in_process_parallel_seconds(files * 2, settings, processes)
        with embedded_service(settings.data_dir) as client:
            local, jobs = side_by_side(client, files, settings)
            through_concurrent = concurrent_seconds(client, files * 2, args.clients)
        local_after = in_process_parallel_seconds(files * 2, settings, processes)
        local_concurrent = (local_before + local_after) / 2
    print_latency(files, local, jobs)
    parts = ", ".join(f"{name} {ms:.1f}" for name, ms in steps.items())
    rest = statistics.median(job.upload for job in jobs) * 1000 - sum(steps.values())
    print(f"upload -> row, ms (median, each step alone): {parts}; request and reading {rest:.1f}")
    n = len(files) * 2
    print(
        f"throughput, {args.clients} clients at once, {n} pages: through the service "
        f"{n / through_concurrent:.2f} pages/s, in-process ({processes} process(es), the same "
        f"threads; before and after the service: {n / local_before:.2f}, {n / local_after:.2f}) "
        f"{n / local_concurrent:.2f} pages/s, ratio "
        f"{local_concurrent / through_concurrent:.2f} (target >= 0.9)"
    )


def print_latency(files: list[bytes], local: list[float], jobs: list[JobTiming]) -> None:
    print(
        f"{'page':>4} {'in-process s':>12} {'service s':>9} {'ratio':>6} "
        f"{'upload s':>8} {'queued s':>8} {'worker s':>8} {'answer s':>8}"
    )
    for index, (a, job) in enumerate(zip(local, jobs, strict=True)):
        print(
            f"{index:>4} {a:>12.3f} {job.total:>9.3f} {job.total / a:>6.2f} {job.upload:>8.3f} "
            f"{job.queued:>8.3f} {job.worker:>8.3f} {job.answer:>8.3f}"
        )
    median = {
        name: statistics.median(getattr(job, name) for job in jobs)
        for name in ("total", "upload", "queued", "worker", "answer")
    }
    a = statistics.median(local)
    print(
        f"median: in-process {a:.3f} s, through the service {median['total']:.3f} s, "
        f"ratio {median['total'] / a:.2f} (target <= 1.10); upload -> row {median['upload']:.3f}"
        f" s, queued {median['queued']:.3f} s, worker {median['worker']:.3f} s, end -> answer "
        f"{median['answer']:.3f} s (target <= 0.030)"
    )


if __name__ == "__main__":
    main()
