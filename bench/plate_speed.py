"""Plates: time per car photo in-process and through the service, side by side in one run.

`python -m bench.plate_speed [--photos 24]` generates car photos (synth.plate_scenes, every
format and variant, seed apart from the tests'), reads each in this process with the plate
pipeline a worker loads (models warm), then sends each to the embedded service started here
(`boda run` on a temporary data folder) as a `vehicle_plate` job with `?wait=30` and through
the seed system's `POST /ocr/license-plate`, one at a time. Prints the median and p95 of
each and the ratio of the medians (the service's cost: upload checks, storing, the queue,
the worker's fetch and write, the answer).
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.service import embedded_service
from shared.config import Settings
from synth.plate_scenes import plate_scenes
from synth.plates import PLATE_FONTS
from workers.pipelines.vehicle_plate import VehiclePlatePipeline


def jpeg_files(count: int) -> list[bytes]:
    files = []
    for made in plate_scenes(count, 2000, PLATE_FONTS):
        buffer = io.BytesIO()
        made.image.save(buffer, format="JPEG", quality=90)
        files.append(buffer.getvalue())
    return files


def in_process(files: list[bytes]) -> list[float]:
    from shared.images import read_pages

    settings = Settings()
    reader = VehiclePlatePipeline.load(settings).reader
    times = []
    for data in [files[0], *files]:  # the first read warms the models up
        started = time.perf_counter()
        page = next(iter(read_pages(data, settings.limits, max_pages=1)))
        reader.read(np.asarray(page.convert("RGB")))
        times.append(time.perf_counter() - started)
    return times[1:]


def through_service(files: list[bytes]) -> tuple[list[float], list[float]]:
    jobs, compatible = [], []
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "data"
        data_dir.mkdir()
        with embedded_service(data_dir) as client:
            for data in [files[0], *files]:
                started = time.perf_counter()
                answer = client.post(
                    "/v1/jobs",
                    params={"wait": 30},
                    data={"type": "vehicle_plate"},
                    files={"file": ("car.jpg", data)},
                )
                assert answer.json()["status"] == "succeeded", answer.text
                jobs.append(time.perf_counter() - started)
                started = time.perf_counter()
                plate = client.post("/ocr/license-plate", files={"image_file": ("car.jpg", data)})
                assert plate.status_code == 200, plate.text
                compatible.append(time.perf_counter() - started)
    return jobs[1:], compatible[1:]


def _line(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[max(0, int(0.95 * len(ordered)) - 1)]
    return f"{name:34} median {statistics.median(times) * 1000:6.0f} ms   p95 {p95 * 1000:6.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=24)
    args = parser.parse_args()
    files = jpeg_files(args.photos)
    local = in_process(files)
    jobs, compatible = through_service(files)
    print(f"plates, {args.photos} car photos, one at a time:")
    print(_line("in-process (pipeline only)", local))
    print(_line("service, POST /v1/jobs?wait=30", jobs))
    print(_line("service, POST /ocr/license-plate", compatible))
    base = statistics.median(local)
    print(
        f"ratio of medians: jobs {statistics.median(jobs) / base:.2f}x, "
        f"/ocr/license-plate {statistics.median(compatible) / base:.2f}x in-process"
    )


if __name__ == "__main__":
    main()
