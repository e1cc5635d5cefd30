"""The scheduler keeps a backlog quiet: one wake-up per queued job in the broker, however many
ticks pass, and a new one only for a job whose wake-up was lost. On the folder broker (SQLite)
and on the machine's Redis (Postgres)."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import insert

from shared.config import Settings
from shared.db.migrations import upgrade
from shared.db.models import Job, Tenant
from shared.db.session import Database
from shared.lifecycle import JobLifecycle
from shared.queue import create_celery
from shared.storage import open_store
from tests.conftest import REDIS_URL, embedded_settings
from workers.scheduler import Reconciler
from workers.wakeups import _job_id

BACKLOG = 500


class Broker:
    """The wake-ups in a broker's `ocr` queue, read as a test sees them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def messages(self) -> list[str]:
        """Job ids of the waiting wake-ups, one entry per message."""
        if self.settings.broker_url == "filesystem://":
            paths = (self.settings.broker_folder / "queue").glob("*.ocr.msg")
            return [_job_id(json.loads(path.read_bytes())) for path in paths]
        client = redis.Redis.from_url(REDIS_URL)
        raw = client.lrange(self.settings.broker.key_prefix + "ocr", 0, -1)
        client.close()
        return [_job_id(json.loads(message)) for message in raw]

    def remove(self, job_id: str) -> None:
        """Lose one job's wake-up, as a broker restart or a dying consumer would."""
        if self.settings.broker_url == "filesystem://":
            for path in (self.settings.broker_folder / "queue").glob("*.ocr.msg"):
                if _job_id(json.loads(path.read_bytes())) == job_id:
                    path.unlink()
            return
        client = redis.Redis.from_url(REDIS_URL)
        key = self.settings.broker.key_prefix + "ocr"
        for message in client.lrange(key, 0, -1):
            if _job_id(json.loads(message)) == job_id:
                client.lrem(key, 0, message)
        client.close()


@pytest.fixture(params=["folder", "redis"])
def setup(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Reconciler, Broker, Database]]:
    overrides: dict[str, object] = {}
    if request.param == "redis":
        prefix = request.getfixturevalue("redis_prefix") + f"{uuid.uuid4().hex[:6]}:"
        overrides = {
            "db": {"url": request.getfixturevalue("pg_url")},
            "broker": {"url": REDIS_URL, "key_prefix": prefix},
        }
    settings = embedded_settings(
        tmp_path / "data", scheduler={"requeue_after_seconds": 0}, **overrides
    )
    upgrade(settings.database_url)
    db = Database(settings.database_url)
    lifecycle = JobLifecycle(db, open_store(settings.storage), settings.webhooks)
    yield Reconciler(db, create_celery(settings), settings, lifecycle), Broker(settings), db
    with db.session() as session:
        session.execute(Job.__table__.delete())
        session.execute(Tenant.__table__.delete())
    db.engine.dispose()


def backlog(db: Database, n: int) -> list[str]:
    """`n` queued general jobs inserted directly, never sent."""
    with db.session() as session:
        tenant = Tenant(name=f"t-{uuid.uuid4().hex[:8]}", webhook_secret="s")
        session.add(tenant)
        session.flush()
        ids = [uuid.uuid4() for _ in range(n)]
        session.execute(
            insert(Job),
            [
                {"id": i, "tenant_id": tenant.id, "type": "general", "input": {}, "originals": {}}
                for i in ids
            ],
        )
    return [str(i) for i in ids]


def test_a_backlog_holds_one_wake_up_per_job_and_a_lost_one_is_sent_again(
    setup: tuple[Reconciler, Broker, Database],
) -> None:
    reconciler, broker, db = setup
    jobs = backlog(db, BACKLOG)

    for _ in range(4):
        reconciler.tick()

    sent = Counter(broker.messages())
    assert set(sent) == set(jobs) and max(sent.values()) == 1

    lost = jobs[123]
    broker.remove(lost)
    assert len(broker.messages()) == BACKLOG - 1
    for _ in range(3):
        reconciler.tick()
    again = Counter(broker.messages())
    assert again[lost] == 1 and max(again.values()) == 1 and len(again) == BACKLOG
