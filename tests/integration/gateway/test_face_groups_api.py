"""Face groups through the HTTP API, on SQLite and on Postgres: the contract of API.md's Faces
section, tenant isolation, the search by a registered face, and the refusals a face job gets
at submit. Faces are added as a `face_register` job adds them (`add_faces`), with synthetic
embeddings: the models are tested elsewhere."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from shared.db.migrations import upgrade
from shared.db.models import WorkerHeartbeat
from shared.db.session import Database
from shared.errors import ConflictError, NotFoundError
from shared.face_groups import add_faces, find_group
from shared.face_matching import Calibration, NewFace, PackStamp
from shared.tenants import add_api_key, create_tenant
from tests.conftest import RUN_ID, embedded_settings
from tests.integration.conftest import png

DIMENSIONS = 8
STAMP = PackStamp(
    "yunet-sface",
    "v1",
    DIMENSIONS,
    Calibration(
        points=[(-1.0, 0.0), (0.5, 70.0), (1.0, 100.0)],
        default_threshold=70.0,
        false_accept_rate=0.001,
    ),
)
FACE = {
    "box": [10.0, 20.0, 110.0, 140.0],
    "confidence": 0.93,
    "landmarks": {
        "left_eye": [40.0, 60.0],
        "right_eye": [80.0, 60.0],
        "nose": [60.0, 85.0],
        "mouth_left": [45.0, 110.0],
        "mouth_right": [75.0, 110.0],
    },
    "orientation": {"yaw": 1.0, "pitch": 2.0, "roll": 0.0},
    "liveness": None,
}


class Tenant:
    def __init__(self, client: TestClient, db: Database, name: str) -> None:
        with db.session() as session:
            tenant = create_tenant(session, name)
            self.id, key = tenant.id, add_api_key(session, tenant)
        self.client, self.db = client, db
        self.auth = {"Authorization": f"Bearer {key}"}

    def get(self, path: str, **params: object) -> tuple[int, dict]:
        response = self.client.get(path, headers=self.auth, params=params)  # type: ignore[arg-type]
        return response.status_code, response.json() if response.content else {}

    def post(self, path: str, body: dict) -> tuple[int, dict]:
        response = self.client.post(path, headers=self.auth, json=body)
        return response.status_code, response.json()

    def delete(self, path: str) -> int:
        return self.client.delete(path, headers=self.auth).status_code

    def register(self, group_id: str, vectors: np.ndarray, image: str | None = None) -> list[str]:
        """Faces added as a register job adds them (the same function, in one transaction)."""
        faces = [NewFace(uuid.uuid4(), FACE, vector / np.linalg.norm(vector)) for vector in vectors]
        with self.db.session() as session:
            add_faces(
                session,
                self.id,
                group_id,
                STAMP,
                faces,
                external_image_id=image,
                job_id=None,
                max_faces=1000,
            )
        return [str(face.face_id) for face in faces]


@pytest.fixture(params=["sqlite", "postgres"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Tenant, Tenant]]:
    overrides = (
        {"db": {"url": request.getfixturevalue("pg_url")}} if request.param == "postgres" else {}
    )
    settings = embedded_settings(tmp_path / "data", **overrides)
    upgrade(settings.database_url)
    db = Database(settings.database_url)
    with TestClient(create_app(settings)) as client:
        suffix = uuid.uuid4().hex[:8]
        yield Tenant(client, db, f"a-{RUN_ID}-{suffix}"), Tenant(client, db, f"b-{RUN_ID}-{suffix}")
    db.engine.dispose()


def test_a_group_is_made_listed_described_and_deleted(world: tuple[Tenant, Tenant]) -> None:
    tenant, _ = world
    status, made = tenant.post("/v1/face/groups", {"group_id": "staff"})
    assert status == 201
    assert made["group_id"] == "staff" and made["face_count"] == 0
    assert made["pack"] == "yunet-sface" and made["pack_version"] is None
    status, again = tenant.post("/v1/face/groups", {"group_id": "staff"})
    assert (status, again["error"]["code"]) == (409, "group_exists")
    status, bad = tenant.post("/v1/face/groups", {"group_id": "Not Valid!"})
    assert (status, bad["error"]["code"]) == (400, "invalid_request")
    for name in ("visitors", "night-shift"):
        tenant.post("/v1/face/groups", {"group_id": name})
    status, first = tenant.get("/v1/face/groups", limit=2)
    assert status == 200 and len(first["items"]) == 2 and first["next_cursor"]
    _, rest = tenant.get("/v1/face/groups", limit=2, cursor=first["next_cursor"])
    names = [g["group_id"] for g in first["items"] + rest["items"]]
    assert sorted(names) == ["night-shift", "staff", "visitors"] and rest["next_cursor"] is None
    tenant.register("staff", np.eye(DIMENSIONS)[:3])
    status, detail = tenant.get("/v1/face/groups/staff")
    assert status == 200 and detail["face_count"] == 3 and detail["pack_version"] == "v1"
    assert tenant.delete("/v1/face/groups/staff") == 204
    assert tenant.get("/v1/face/groups/staff")[0] == 404
    assert tenant.delete("/v1/face/groups/staff") == 404


def test_faces_are_listed_filtered_and_deleted(world: tuple[Tenant, Tenant]) -> None:
    tenant, _ = world
    tenant.post("/v1/face/groups", {"group_id": "staff"})
    first = tenant.register("staff", np.eye(DIMENSIONS)[:2], image="kim.jpg")
    tenant.register("staff", np.eye(DIMENSIONS)[2:5], image="lee.jpg")
    status, page = tenant.get("/v1/face/groups/staff/faces", limit=4)
    assert status == 200 and len(page["items"]) == 4 and page["next_cursor"]
    _, rest = tenant.get("/v1/face/groups/staff/faces", limit=4, cursor=page["next_cursor"])
    assert len(rest["items"]) == 1
    status, kims = tenant.get("/v1/face/groups/staff/faces", external_image_id="kim.jpg")
    assert sorted(face["id"] for face in kims["items"]) == sorted(first)
    face = kims["items"][0]
    assert face["box"] == FACE["box"] and face["landmarks"]["nose"] == [60.0, 85.0]
    assert face["external_image_id"] == "kim.jpg" and "embedding" not in face
    assert tenant.delete(f"/v1/face/groups/staff/faces/{first[0]}") == 204
    assert tenant.delete(f"/v1/face/groups/staff/faces/{first[0]}") == 404
    assert tenant.get("/v1/face/groups/staff")[1]["face_count"] == 4


def test_search_by_a_registered_face_ranks_the_others(world: tuple[Tenant, Tenant]) -> None:
    tenant, _ = world
    tenant.post("/v1/face/groups", {"group_id": "staff"})
    base = np.zeros(DIMENSIONS)
    base[0] = 1.0
    near, nearer, far = base + [0, 0.6, 0, 0, 0, 0, 0, 0], base + [0, 0.2, 0, 0, 0, 0, 0, 0], -base
    query, *others = tenant.register("staff", np.stack([base, near, nearer, far]))
    status, found = tenant.get(f"/v1/face/groups/staff/faces/{query}/search")
    assert status == 200 and found["face_id"] == query and found["threshold"] == 70.0
    ids = [match["face_id"] for match in found["matches"]]
    assert ids == [others[1], others[0]]  # nearest first; itself and the far one left out
    cosine = 1 / np.sqrt(1 + 0.2**2)
    expected = 70 + (cosine - 0.5) / 0.5 * 30
    assert found["matches"][0]["similarity"] == pytest.approx(expected, abs=0.01)
    _, one = tenant.get(f"/v1/face/groups/staff/faces/{query}/search", limit=1, threshold=0)
    assert [m["face_id"] for m in one["matches"]] == [others[1]]
    _, every = tenant.get(f"/v1/face/groups/staff/faces/{query}/search", threshold=0)
    assert len(every["matches"]) == 3
    for bad in ({"threshold": 101}, {"limit": 0}, {"limit": 101}):
        status, refused = tenant.get(f"/v1/face/groups/staff/faces/{query}/search", **bad)
        assert (status, refused["error"]["code"]) == (400, "invalid_request"), bad
    status, missing = tenant.get(f"/v1/face/groups/staff/faces/{uuid.uuid4()}/search")
    assert (status, missing["error"]["code"]) == (404, "not_found")
    # A face added later is found: the cached index follows the group's revision.
    (newest,) = tenant.register("staff", np.stack([base + [0, 0.01, 0, 0, 0, 0, 0, 0]]))
    _, again = tenant.get(f"/v1/face/groups/staff/faces/{query}/search")
    assert again["matches"][0]["face_id"] == newest
    assert tenant.delete(f"/v1/face/groups/staff/faces/{newest}") == 204
    _, after = tenant.get(f"/v1/face/groups/staff/faces/{query}/search")
    assert newest not in [m["face_id"] for m in after["matches"]]


def test_groups_and_faces_belong_to_one_tenant(world: tuple[Tenant, Tenant]) -> None:
    owner, other = world
    owner.post("/v1/face/groups", {"group_id": "staff"})
    (face,) = owner.register("staff", np.eye(DIMENSIONS)[:1])
    for path in (
        "/v1/face/groups/staff",
        "/v1/face/groups/staff/faces",
        f"/v1/face/groups/staff/faces/{face}/search",
    ):
        status, body = other.get(path)
        assert (status, body["error"]["code"]) == (404, "not_found"), path
    assert other.delete(f"/v1/face/groups/staff/faces/{face}") == 404
    assert other.delete("/v1/face/groups/staff") == 404
    assert other.get("/v1/face/groups")[1]["items"] == []
    assert other.post("/v1/face/groups", {"group_id": "staff"})[0] == 201  # a name of its own
    with pytest.raises(NotFoundError):  # nor can a job of the other tenant add to it
        other.register("missing", np.eye(DIMENSIONS)[:1])
    assert owner.get("/v1/face/groups/staff")[1]["face_count"] == 1
    assert other.get("/v1/face/groups/staff")[1]["face_count"] == 0


def test_a_group_holds_one_pack_and_a_bounded_number_of_faces(
    world: tuple[Tenant, Tenant],
) -> None:
    tenant, _ = world
    tenant.post("/v1/face/groups", {"group_id": "staff"})
    tenant.register("staff", np.eye(DIMENSIONS)[:1])
    other_version = PackStamp("yunet-sface", "v2", DIMENSIONS, STAMP.calibration)
    face = NewFace(uuid.uuid4(), FACE, np.eye(DIMENSIONS)[1])
    with pytest.raises(ConflictError) as refused, tenant.db.session() as session:
        add_faces(
            session,
            tenant.id,
            "staff",
            other_version,
            [face],
            external_image_id=None,
            job_id=None,
            max_faces=1000,
        )
    assert refused.value.code == "model_mismatch"
    with pytest.raises(ConflictError) as full, tenant.db.session() as session:
        add_faces(
            session,
            tenant.id,
            "staff",
            STAMP,
            [face, face],
            external_image_id=None,
            job_id=None,
            max_faces=2,
        )
    assert full.value.code == "group_full"
    assert tenant.get("/v1/face/groups/staff")[1]["face_count"] == 1


def submit(tenant: Tenant, type_: str, options: str) -> tuple[int, dict]:
    response = tenant.client.post(
        "/v1/jobs",
        headers=tenant.auth,
        data={"type": type_, "options": options},
        files={"file": ("face.png", png(200, 200))},
    )
    return response.status_code, response.json()


def test_a_face_job_is_refused_at_submit_for_what_it_could_only_fail_on(
    world: tuple[Tenant, Tenant],
) -> None:
    tenant, other = world
    status, body = submit(tenant, "face_register", '{"group_id": "missing"}')
    assert (status, body["error"]["code"]) == (404, "not_found")
    tenant.post("/v1/face/groups", {"group_id": "staff"})
    (face,) = tenant.register("staff", np.eye(DIMENSIONS)[:1])
    status, body = submit(other, "face_search", '{"group_id": "staff"}')
    assert (status, body["error"]["code"]) == (404, "not_found")
    missing = uuid.uuid4()
    status, body = submit(tenant, "face_verify", f'{{"group_id": "staff", "face_id": "{missing}"}}')
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, body = submit(tenant, "face_verify", f'{{"group_id": "staff", "face_id": "{face}"}}')
    assert status == 202, body
    assert tenant.delete(f"/v1/jobs/{body['id']}") == 204  # no worker here
    # A group made while the deployment ran another pack.
    with tenant.db.session() as session:
        find_group(session, tenant.id, "staff").pack = "scrfd-arcface"
    status, body = submit(tenant, "face_search", '{"group_id": "staff"}')
    assert (status, body["error"]["code"]) == (409, "model_mismatch")
    assert body["error"]["details"]["group_pack"] == "scrfd-arcface"


def test_the_option_spoof_needs_a_face_worker_with_a_liveness_model(
    world: tuple[Tenant, Tenant],
) -> None:
    tenant, _ = world
    runnable = ["face_detect", "face_compare", "face_register", "face_search", "face_verify"]
    worker = WorkerHeartbeat(name=f"face-{uuid.uuid4()}", queues="face", analyses=runnable)
    with tenant.db.session() as session:
        session.add(worker)
    try:
        status, body = submit(tenant, "face_detect", '{"spoof": true}')
        assert (status, body["error"]["code"]) == (501, "model_unavailable")
        assert "liveness" in body["error"]["message"]
        status, body = submit(tenant, "face_spoof", "{}")
        assert (status, body["error"]["code"]) == (501, "model_unavailable")
        status, body = submit(tenant, "face_detect", '{"spoof": false}')
        assert status == 202
        assert tenant.delete(f"/v1/jobs/{body['id']}") == 204  # no worker here
    finally:
        with tenant.db.session() as session:
            session.delete(session.get_one(WorkerHeartbeat, worker.name))
