"""Alembic is the only way tables change: the migrations build exactly the models' schema, and
carry existing rows forward, on SQLite and on the real Postgres."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from shared.db.migrations import alembic_config
from shared.db.models import Base, Job
from shared.db.session import Database
from tests.conftest import PG_ADMIN_URL, RUN_ID, pg_database_url


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database no migration has touched yet."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = f"boda_test_{RUN_ID}_migrations"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield pg_database_url(name)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrations_build_the_models_schema_and_keep_the_rows(empty_database: str) -> None:
    config = alembic_config(empty_database)
    command.upgrade(config, "0001")
    db = Database(empty_database)
    tenant_id, job_id = uuid.uuid4(), uuid.uuid4()
    key = f"originals/{tenant_id}/{job_id}"
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO tenants (id, name, webhook_secret, created_at) "
                "VALUES (:id, 'old', 's', CURRENT_TIMESTAMP)"
            ),
            {"id": tenant_id.hex if "sqlite" in empty_database else tenant_id},
        )
        connection.execute(
            text(
                "INSERT INTO jobs (id, tenant_id, type, status, input, object_key, options, run, "
                "attempts, created_at) VALUES (:id, :tenant, 'general', 'succeeded', '{}', :key, "
                "'{}', 1, 1, CURRENT_TIMESTAMP)"
            ),
            {
                "id": job_id.hex if "sqlite" in empty_database else job_id,
                "tenant": tenant_id.hex if "sqlite" in empty_database else tenant_id,
                "key": key,
            },
        )

    command.upgrade(config, "head")

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []
    with db.session() as session:
        job = session.get_one(Job, job_id)
        assert (job.originals, job.originals_deleted_at) == ({"file": key}, None)
    command.downgrade(config, "0001")
    command.upgrade(config, "head")
    db.engine.dispose()
