"""General OCR: the pipeline in-process vs the same images as jobs through the service.

`python -m bench.general_latency [--pages 6]` renders synthetic pages, times
`GeneralReader.read` on each in this process, then starts the embedded default (`boda run`:
gateway, a Celery worker and the scheduler, on a temporary data folder), submits the same
pages one at a time over HTTP and times each from POST to the finished job. It prints both
per image and the ratio, measured side by side in one run.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

from bench.service import embedded_service
from shared.config import Settings
from synth.documents import SyntheticPage
from synth.sets import clean_set
from workers.pipelines.general.reader import GeneralReader


def in_process_seconds(pages: list[SyntheticPage], settings: Settings) -> list[float]:
    reader = GeneralReader.load(settings.models)
    reader.read([pages[0].image])  # warm-up, as a worker does at start
    times = []
    for page in pages:
        started = time.perf_counter()
        reader.read([page.image])
        times.append(time.perf_counter() - started)
    return times


@dataclass(frozen=True)
class JobTiming:
    total: float
    """From sending the POST to holding the finished job."""
    queued: float
    """From the job row to a worker's claim."""
    worker: float
    """From the claim to the result's commit (fetch, decode, pipeline, write)."""


def service_seconds(pages: list[SyntheticPage], data_dir: Path) -> list[JobTiming]:
    with embedded_service(data_dir) as client:
        _job_seconds(client, pages[0])  # warm-up
        return [_job_seconds(client, page) for page in pages]


def _job_seconds(client: httpx.Client, page: SyntheticPage) -> JobTiming:
    buffer = io.BytesIO()
    page.image.save(buffer, "PNG")
    started = time.perf_counter()
    job = client.post(
        "/v1/jobs",
        params={"wait": 30},
        data={"type": "general"},
        files={"file": ("page.png", buffer.getvalue())},
    ).json()
    while job["status"] not in ("succeeded", "failed"):
        job = client.get(f"/v1/jobs/{job['id']}", params={"wait": 30}).json()
    elapsed = time.perf_counter() - started
    if job["status"] != "succeeded":
        raise RuntimeError(f"job failed: {job['error']}")
    created, began, ended = (
        datetime.fromisoformat(job[key]) for key in ("created_at", "started_at", "finished_at")
    )
    return JobTiming(
        total=elapsed,
        queued=(began - created).total_seconds(),
        worker=(ended - began).total_seconds(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=6)
    args = parser.parse_args()
    pages = clean_set(n=args.pages, seed=4242)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data")
        local = in_process_seconds(pages, settings)
        through = service_seconds(pages, settings.data_dir)
    header = f"{'page':>4} {'pixels':>10} {'in-process s':>13} {'service s':>10} {'ratio':>6}"
    print(header + f" {'queued s':>9} {'worker s':>9}")
    for index, (page, a, job) in enumerate(zip(pages, local, through, strict=True)):
        pixels = f"{page.image.width}x{page.image.height}"
        row = f"{index:>4} {pixels:>10} {a:>13.3f} {job.total:>10.3f} {job.total / a:>6.2f}"
        print(row + f" {job.queued:>9.3f} {job.worker:>9.3f}")
    a, b = statistics.median(local), statistics.median(job.total for job in through)
    print(f"median: in-process {a:.3f} s, through the service {b:.3f} s, ratio {b / a:.2f}")
    queued = statistics.median(job.queued for job in through)
    worker = statistics.median(job.worker for job in through)
    print(
        f"service overhead per job (median): {b - a:.3f} s; queued {queued:.3f} s, "
        f"in the worker {worker:.3f} s (pipeline {a:.3f} s in-process)"
    )


if __name__ == "__main__":
    main()
