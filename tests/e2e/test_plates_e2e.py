"""Vehicle plates through the whole service (Postgres, Redis, an S3-API server, a real OCR
worker): generated car photos read by `vehicle_plate` jobs, and the seed plate system's
synchronous endpoint answering in its own shape."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from synth.plate_scenes import scene
from synth.plates import KINDS, PLATE_FONTS, random_spec
from tests.e2e.conftest import API_KEY, Service, servers_env

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def plate_service(
    tmp_path: Path, pg_url: str, redis_prefix: str, s3_endpoint: str
) -> Iterator[Service]:
    env = servers_env(tmp_path / "data", pg_url, redis_prefix, s3_endpoint)
    with Service(env, tmp_path, queues="ocr") as service:
        yield service


def car_photo(kind: str, seed: int) -> tuple[bytes, object]:
    rng = random.Random(seed)
    spec = random_spec(kind, rng)  # type: ignore[arg-type]
    made = scene(spec, PLATE_FONTS[0], "clean", rng)
    buffer = io.BytesIO()
    made.image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue(), spec


def test_a_plate_of_every_format_is_read_through_the_service(plate_service: Service) -> None:
    service = plate_service
    photos = [car_photo(kind, 300 + index) for index, kind in enumerate(KINDS)]
    response = service.client.post(
        "/v1/batches",
        data={"type": "vehicle_plate"},
        files=[
            ("files", (f"{kind}.jpg", image))
            for kind, (image, _) in zip(KINDS, photos, strict=True)
        ],
    )
    assert response.status_code == 202, response.text
    batch_id = response.json()["id"]
    service.wait_until(
        lambda: service.client.get(f"/v1/batches/{batch_id}").json()["status"] == "completed",
        240,
        "the batch of plates",
    )
    jobs = service.client.get("/v1/jobs", params={"batch_id": batch_id, "limit": 50}).json()
    by_file = {job["input"]["filename"]: job for job in jobs["items"]}
    for kind, (_, spec) in zip(KINDS, photos, strict=True):
        job = by_file[f"{kind}.jpg"]
        assert job["status"] == "succeeded", (job, service.log("worker"))
        assert set(job["models"]) == {"plate_detection", "text_recognition"}
        plate = service.client.get(f"/v1/jobs/{job['id']}/result").json()["plates"][0]
        assert (plate["number"], plate["valid"]) == (spec.number, True), kind  # type: ignore[attr-defined]
        assert (plate["usage"], plate["region"]) == (spec.usage, spec.region), kind  # type: ignore[attr-defined]
    book = load_workbook(
        io.BytesIO(service.client.get(f"/v1/batches/{batch_id}/result.xlsx").content)
    )
    numbers = {row[2] for row in list(book["vehicle_plate"].values)[1:]}
    assert numbers >= {spec.number for _, spec in photos}  # type: ignore[attr-defined]


def test_the_seed_systems_endpoint_answers_in_its_shape(plate_service: Service) -> None:
    service = plate_service
    status = service.client.get("/status", headers={"Authorization": ""})
    assert status.status_code == 200 and set(status.json()) == {"status", "workers"}
    service.wait_until(
        lambda: service.client.get("/status").json()["status"] == "ready", 60, "a plate worker"
    )
    image, spec = car_photo("national2", 301)
    key_header = {"Authorization": "", "X-API-Key": API_KEY}
    answer = service.client.post(
        "/ocr/license-plate", headers=key_header, files={"image_file": ("car.jpg", image)}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"success", "plate_number", "confidence", "stage", "elapsed_sec", "job_id"}
    assert (body["success"], body["plate_number"]) == (True, spec.number)  # type: ignore[attr-defined]
    assert body["stage"] in ("fast", "rescan", "constrained") and 0 < body["confidence"] <= 1
    assert 0 < body["elapsed_sec"] < 30

    jobs_before = service.client.get("/v1/jobs").json()["items"]
    dry = service.client.post(
        "/ocr/license-plate",
        files={"image_file": ("car.jpg", image)},
        data={"dryRun": "true"},
    ).json()
    assert (dry["success"], dry["plate_number"], dry["stage"]) == (True, None, "dry_run")
    assert service.client.get("/v1/jobs").json()["items"] == jobs_before

    refused = service.client.post(
        "/ocr/license-plate", files={"image_file": ("car.txt", b"not a photo")}
    )
    assert refused.status_code == 415
    assert refused.json()["success"] is False
    assert refused.json()["error"]["code"] == "unsupported_media_type"
    anonymous = service.client.post(
        "/ocr/license-plate",
        headers={"Authorization": ""},
        files={"image_file": ("car.jpg", image)},
    )
    assert anonymous.status_code == 401
    assert json.loads(anonymous.text)["error"]["code"] == "unauthorized"
