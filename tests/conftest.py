"""Fixtures for real services: a private Postgres database, a Redis key prefix and an S3-API
server per test run, and embedded-default settings in a temporary folder."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from sqlalchemy import make_url

from shared.config import Settings
from shared.db.migrations import upgrade
from shared.db.session import Database

RUN_ID = secrets.token_hex(4)
# The machine's own services unless `tests/services.sh` (run by `make test`) started private ones.
PG_ADMIN_URL = os.environ.get(
    "BODA_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("BODA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
MODELS_DIR = Path(__file__).resolve().parents[1] / "models"


def pg_database_url(name: str) -> str:
    """The SQLAlchemy URL of database `name` on the tests' Postgres."""
    return str(make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg", database=name))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A database of this test run's own on the machine's Postgres, dropped at the end."""
    name = f"boda_test_{RUN_ID}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield pg_database_url(name)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def redis_prefix() -> Iterator[str]:
    """A key prefix of this run's own on the machine's Redis, its keys removed at the end."""
    prefix = f"boda-test-{RUN_ID}:"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)
    client.close()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-API server (moto) on a loopback port of its own."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"127.0.0.1:{port}"
    server.stop()


def embedded_settings(data_dir: Path, **overrides: object) -> Settings:
    """The embedded default (SQLite, folder broker, local objects) under `data_dir`."""
    return Settings(data_dir=data_dir, models={"dir": MODELS_DIR}, **overrides)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return embedded_settings(tmp_path / "data")


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    upgrade(settings.database_url)
    database = Database(settings.database_url)
    yield database
    database.engine.dispose()
