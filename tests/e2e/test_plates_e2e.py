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

from synth.plate_scenes import scene
from synth.plates import PLATE_FONTS, random_spec
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


def test_plates_are_read_through_the_service(plate_service: Service) -> None:
    service = plate_service
    for kind, seed in (("national3", 300), ("two_line", 306)):
        image, spec = car_photo(kind, seed)
        response = service.client.post(
            "/v1/jobs",
            params={"wait": 30},
            data={"type": "vehicle_plate"},
            files={"file": ("car.jpg", image)},
        )
        job = response.json()
        if job["status"] not in ("succeeded", "failed"):
            job = service.wait_for_job(job["id"])
        assert job["status"] == "succeeded", (job, service.log("worker"))
        assert set(job["models"]) == {"plate_detection", "text_recognition"}
        plate = service.client.get(f"/v1/jobs/{job['id']}/result").json()["plates"][0]
        assert (plate["number"], plate["valid"]) == (spec.number, True)  # type: ignore[attr-defined]
        assert (plate["usage"], plate["region"]) == (spec.usage, spec.region)  # type: ignore[attr-defined]
        text = service.client.get(f"/v1/jobs/{job['id']}/result.txt").text
        assert text.splitlines()[0] == spec.number  # type: ignore[attr-defined]


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
