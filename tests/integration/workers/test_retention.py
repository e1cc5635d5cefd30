"""Retention: an ended job's originals leave storage after the tenant's days, the job itself
(result, events) after its own; jobs still running, other tenants' jobs and the faces a job
registered (a group's, until removed from it) stay."""

from __future__ import annotations

import uuid
from datetime import timedelta

import numpy as np
from sqlalchemy import func, select, update

from shared.db.models import Batch, FaceGroup, Job, JobResult, RegisteredFace, Tenant, utcnow
from shared.face_groups import add_faces
from shared.face_matching import Calibration, NewFace, PackStamp
from shared.storage import open_store
from shared.tenants import DEFAULT_TENANT, get_tenant, set_retention
from tests.integration.deployment import COLOURS, Deployment, tiff
from workers import tasks
from workers.retention import Retention

STAMP = PackStamp(
    "yunet-sface",
    "v1",
    4,
    Calibration(points=[(-1, 0), (1, 100)], default_threshold=70, false_accept_rate=0.001),
)


def stored(deployment: Deployment) -> int:
    root = deployment.settings.storage.path
    assert root is not None
    return sum(1 for path in root.rglob("*") if path.is_file())


def test_originals_then_jobs_go_after_the_tenants_days(deployment: Deployment) -> None:
    ended = [
        deployment.submit("test_first_page", {"file": tiff(COLOURS)}).json()["id"] for _ in range(2)
    ]
    waiting = deployment.submit("test_first_page", {"file": tiff(COLOURS)}).json()["id"]
    batch = deployment.client.post(
        "/v1/batches",
        headers=deployment.auth,
        data={"type": "test_first_page"},
        files=[("files", ("b.tiff", tiff(COLOURS)))],
    ).json()
    for job_id in [*ended, *batch["job_ids"]]:
        tasks.execute(job_id)
    with deployment.db.session() as session:
        tenant_id = get_tenant(session, DEFAULT_TENANT).id
        session.add(FaceGroup(tenant_id=tenant_id, group_id="staff", pack=STAMP.name))
    with deployment.db.session() as session:  # as the register job ended[0] would add it
        face = NewFace(uuid.uuid4(), {"box": [0, 0, 1, 1]}, np.ones(STAMP.dimensions))
        add_faces(
            session,
            tenant_id,
            "staff",
            STAMP,
            [face],
            external_image_id=None,
            job_id=uuid.UUID(ended[0]),
            max_faces=10,
        )
    with deployment.db.session() as session:
        session.execute(
            update(Job)
            .values(finished_at=utcnow() - timedelta(days=3))
            .where(Job.finished_at.is_not(None))
        )
        session.execute(update(Batch).values(created_at=utcnow() - timedelta(days=3)))
        set_retention(
            session, get_tenant(session, DEFAULT_TENANT), originals_days=2, results_days=None
        )
    retention = Retention(
        deployment.db, open_store(deployment.settings.storage), deployment.settings.retention
    )
    assert stored(deployment) == 4

    retention.apply()

    assert stored(deployment) == 1  # only the job still queued keeps its original
    kept = deployment.client.get(f"/v1/jobs/{ended[0]}", headers=deployment.auth).json()
    assert kept["original_deleted"] is True and kept["status"] == "succeeded"
    assert (
        deployment.client.get(f"/v1/jobs/{ended[0]}/result", headers=deployment.auth).status_code
        == 200
    )

    with deployment.db.session() as session:
        tenant = session.scalar(select(Tenant).where(Tenant.name == DEFAULT_TENANT))
        assert tenant is not None
        set_retention(session, tenant, originals_days=2, results_days=2)
    retention.apply()

    with deployment.db.session() as session:
        left = session.scalars(select(Job.id)).all()
        assert [str(job_id) for job_id in left] == [waiting]
        assert session.scalar(select(func.count()).select_from(JobResult)) == 0
        assert session.scalar(select(func.count()).select_from(Batch)) == 0
        assert session.scalars(select(RegisteredFace.id)).all() == [face.face_id]
    assert deployment.client.get(f"/v1/jobs/{ended[0]}", headers=deployment.auth).status_code == 404
