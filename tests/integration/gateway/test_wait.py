"""A client waiting for its job (`?wait=`) is answered within 100 ms of the job's terminal
transition, measured from the transition's own timestamp, on SQLite and on Postgres."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from shared.db.migrations import upgrade
from shared.db.models import Job, Tenant
from shared.db.session import Database
from shared.lifecycle import JobLifecycle, Outcome
from shared.storage import open_store
from shared.tenants import bootstrap
from tests.conftest import embedded_settings
from tests.integration.conftest import png

ANSWERED_WITHIN = 0.1


@pytest.fixture(params=["sqlite", "postgres"])
def service(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[TestClient, dict[str, str], JobLifecycle]]:
    overrides = (
        {"db": {"url": request.getfixturevalue("pg_url")}} if request.param == "postgres" else {}
    )
    settings = embedded_settings(tmp_path / "data", **overrides)
    upgrade(settings.database_url)
    db = Database(settings.database_url)
    key = bootstrap(db, settings)
    lifecycle = JobLifecycle(db, open_store(settings.storage), settings.webhooks)
    with TestClient(create_app(settings)) as client:
        yield client, {"Authorization": f"Bearer {key}"}, lifecycle
    with db.session() as session:  # the Postgres database is shared by the run's tests
        session.execute(Job.__table__.delete())
        session.execute(Tenant.__table__.delete())
    db.engine.dispose()


def test_a_waiting_client_is_answered_as_soon_as_its_job_ends(
    service: tuple[TestClient, dict[str, str], JobLifecycle],
) -> None:
    client, auth, lifecycle = service
    job_id = client.post(
        "/v1/jobs", headers=auth, data={"type": "general"}, files={"file": ("a.png", png())}
    ).json()["id"]
    answered: dict[str, Any] = {}

    def wait_for_it() -> None:
        response = client.get(f"/v1/jobs/{job_id}", headers=auth, params={"wait": 10})
        answered.update(at=time.time(), job=response.json())

    waiting = threading.Thread(target=wait_for_it)
    waiting.start()
    time.sleep(1.5)  # well past the first looks of the old back-off polling
    held = lifecycle.claim(uuid.UUID(job_id), "test:1", 30)
    assert held is not None and lifecycle.succeed(held, Outcome({"pages": []}, "", {}))
    waiting.join(timeout=10)

    assert answered["job"]["status"] == "succeeded"
    ended = datetime.fromisoformat(answered["job"]["finished_at"]).timestamp()
    assert 0 <= answered["at"] - ended <= ANSWERED_WITHIN, answered["at"] - ended
