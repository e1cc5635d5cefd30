"""originals per input, their deletion time; what each worker can run

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("originals", DOCUMENT, nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.add_column(
            sa.Column("originals_deleted_at", sa.DateTime(timezone=True), nullable=True)
        )
    jobs = _jobs_table()
    connection = op.get_bind()
    for job_id, key in connection.execute(
        sa.select(jobs.c.id, jobs.c.object_key).where(jobs.c.object_key.is_not(None))
    ):
        connection.execute(jobs.update().where(jobs.c.id == job_id).values(originals={"file": key}))
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("object_key")

    # Heartbeats are rewritten by every live worker within seconds.
    op.execute("DELETE FROM worker_heartbeats")
    with op.batch_alter_table("worker_heartbeats", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("analyses", DOCUMENT, nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=False))
        batch_op.add_column(sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True))


def _jobs_table() -> sa.TableClause:
    return sa.table(
        "jobs",
        sa.column("id", sa.Uuid()),
        sa.column("object_key", sa.String()),
        sa.column("originals", DOCUMENT),
    )


def downgrade() -> None:
    with op.batch_alter_table("worker_heartbeats", schema=None) as batch_op:
        batch_op.drop_column("stopped_at")
        batch_op.drop_column("started_at")
        batch_op.drop_column("analyses")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("object_key", sa.String(length=300), nullable=True))
    jobs = _jobs_table()
    connection = op.get_bind()
    for job_id, originals in connection.execute(sa.select(jobs.c.id, jobs.c.originals)):
        if originals and "file" in originals:
            connection.execute(
                jobs.update().where(jobs.c.id == job_id).values(object_key=originals["file"])
            )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("originals_deleted_at")
        batch_op.drop_column("originals")
