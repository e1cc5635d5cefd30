"""An in-process gateway on the embedded default, with the default tenant's key."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select

from gateway.app import create_app
from shared.config import Settings
from shared.db.models import Job
from shared.db.session import Database
from shared.tenants import bootstrap
from tests.integration.deployment import Deployment, deployment_in


@dataclass
class Api:
    client: TestClient
    key: str
    settings: Settings
    db: Database

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def submit(self, data: bytes, filename: str = "page.png", **form: str) -> dict:
        form.setdefault("type", "general")
        response = self.client.post(
            "/v1/jobs", headers=self.auth, data=form, files={"file": (filename, data)}
        )
        return {"status": response.status_code, "body": response.json()}

    def job_count(self) -> int:
        with self.db.session() as session:
            return session.scalar(select(func.count()).select_from(Job)) or 0

    def object_count(self) -> int:
        root = self.settings.storage.path
        assert root is not None
        return sum(1 for path in Path(root).rglob("*") if path.is_file())


@pytest.fixture
def api(settings: Settings, db: Database) -> Iterator[Api]:
    key = bootstrap(db, settings)
    assert key is not None
    with TestClient(create_app(settings)) as client:
        yield Api(client, key, settings, db)


def png(width: int = 400, height: int = 200, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), "white" if mode in ("RGB", "RGBA") else 255).save(
        buffer, "PNG"
    )
    return buffer.getvalue()


@pytest.fixture
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployment]:
    """The gateway and a worker's task bodies in this process, with test-only types."""
    yield from deployment_in(tmp_path, monkeypatch)
