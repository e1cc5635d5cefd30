"""General OCR: the pipeline in-process vs the same images as jobs through the service.

`python -m bench.general_latency [--pages 8] [--clients 4]` renders synthetic pages, then, in
one run, side by side:
1. latency: each page read in this process (decoded from its PNG, as a worker does), then the
   same pages sent one at a time to the embedded default (`boda run` on a temporary folder)
   with `?wait=30`, each job's time split by its own timestamps into upload → row (the
   gateway's reading, validation, storing and insert), queued, worker (fetch, decode, pipeline,
   write) and end → answer (from the job's terminal transition to the client holding it);
2. throughput: `clients` clients sending the pages at once, against the same pages read
   in-process by as many processes, with as many threads, as the service's worker has.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

from bench.service import embedded_service
from shared.config import Settings
from shared.images import read_pages
from synth.sets import clean_set
from workers.pipelines.general.reader import GeneralReader


def pngs(n: int) -> list[bytes]:
    files = []
    for page in clean_set(n=n, seed=4242):
        buffer = io.BytesIO()
        page.image.save(buffer, "PNG")
        files.append(buffer.getvalue())
    return files


def in_process_seconds(files: list[bytes], settings: Settings) -> list[float]:
    """Each file decoded and read in this process, as a worker process does."""
    reader = GeneralReader.load(settings.models)
    reader.read(read_pages(files[0], settings.limits, max_pages=1))  # warm-up, as at start
    times = []
    for data in files:
        started = time.perf_counter()
        reader.read(read_pages(data, settings.limits, max_pages=settings.limits.max_pages))
        times.append(time.perf_counter() - started)
    return times


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


def _read_all(args: tuple[list[bytes], Settings]) -> None:
    files, settings = args
    reader = GeneralReader.load(settings.models)
    for data in files:
        reader.read(read_pages(data, settings.limits, max_pages=settings.limits.max_pages))


def in_process_parallel_seconds(files: list[bytes], settings: Settings, processes: int) -> float:
    """Seconds for `processes` processes (models loaded first) to read the files between them."""
    shares = [(files[i::processes], settings) for i in range(processes)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        pool.map(_read_all, [([files[0]], settings)] * processes)  # load the models
        started = time.perf_counter()
        pool.map(_read_all, shares)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    files = pngs(args.pages)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data")
        local = in_process_seconds(files, settings)
        with embedded_service(settings.data_dir) as client:
            job_timing(client, files[0])  # warm-up
            jobs = [job_timing(client, data) for data in files]
            through_concurrent = concurrent_seconds(client, files * 2, args.clients)
        processes = settings.worker.concurrency
        local_concurrent = in_process_parallel_seconds(files * 2, settings, processes)
    print_latency(files, local, jobs)
    n = len(files) * 2
    print(
        f"throughput, {args.clients} clients at once, {n} pages: through the service "
        f"{n / through_concurrent:.2f} pages/s, in-process ({processes} process(es), the same "
        f"threads) {n / local_concurrent:.2f} pages/s, ratio "
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
